import { startFakeTelegram, type FakeTelegram } from "./fake-telegram.js";
import { startLocalStack, type LocalStack, type LocalStackOptions } from "./local-stack.js";

export interface BotStack {
  stack: LocalStack;
  telegram: FakeTelegram;
  /** Stops the stack and the fake Bot API, both even if one fails. */
  stop(): Promise<void>;
}

/**
 * A local stack with the bot configured against a local fake Bot API (`token`, `username`, the
 * webhook's `secret`). If the stack cannot start, the fake Bot API is closed before the error
 * is thrown, so nothing is left listening.
 */
export async function startBotStack(bot: { token: string; username: string; secret: string }, options: LocalStackOptions = {}): Promise<BotStack> {
  const telegram = await startFakeTelegram(bot.token);
  const vars = { ...options.vars, TELEGRAM_BOT_TOKEN: bot.token, TELEGRAM_BOT_USERNAME: bot.username, TELEGRAM_WEBHOOK_SECRET: bot.secret, TELEGRAM_API_ROOT: telegram.apiRoot };
  const stack = await startLocalStack({ ...options, vars }).catch(async (error: unknown) => {
    await telegram.close();
    throw error;
  });
  return {
    stack,
    telegram,
    stop: async () => {
      const results = await Promise.allSettled([stack.stop(), telegram.close()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}
