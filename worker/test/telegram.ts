import { env } from "cloudflare:test";
import type { Env } from "../src/env.js";
import { performWebhookAnswer, type Update } from "../stack/telegram-updates.js";
import { call, type Answer } from "./helpers.js";

export { callbackUpdate, messageUpdate, textUpdate, type Update } from "../stack/telegram-updates.js";

/** The bot token of the tests' local Bot API (never a real one), from the global setup. */
export const TEST_BOT_TOKEN = env.TEST_TELEGRAM_BOT_TOKEN;
export const TEST_WEBHOOK_SECRET = "test-webhook-secret-0123456789";

/** The Worker's env with the bot configured against the local Bot API. */
export function botEnv(extra: Partial<Env> = {}): Partial<Env> {
  return {
    TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
    TELEGRAM_BOT_USERNAME: "clw_test_bot",
    TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: env.TEST_TELEGRAM_API_ROOT,
    ...extra,
  };
}

export interface BotApiCall {
  method: string;
  payload: Record<string, any>;
}

/** Every Bot API call made so far that concerns this chat (messages, edits and its callback answers). */
export async function callsFor(apiRoot: string, chatId: number): Promise<BotApiCall[]> {
  const all = (await (await fetch(`${apiRoot}/__calls`)).json()) as BotApiCall[];
  return all.filter((c) => Number(c.payload.chat_id) === chatId || String(c.payload.callback_query_id ?? "").startsWith(`cb-${chatId}-`));
}

/**
 * POSTs an update to the webhook as Telegram would (with the secret header unless `secret` is
 * null), and carries out the webhook's answer, if it holds a Bot API call, as Telegram would.
 */
export async function deliver(update: Update, options: { secret?: string | null; env?: Partial<Env> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const secret = options.secret === undefined ? TEST_WEBHOOK_SECRET : options.secret;
  if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
  const bot = botEnv(options.env);
  const answer = await call("POST", "/telegram-webhook", { raw: JSON.stringify(update), headers, env: bot });
  if (answer.status === 200 && answer.body) await performWebhookAnswer(JSON.stringify(answer.body), bot.TELEGRAM_API_ROOT!, bot.TELEGRAM_BOT_TOKEN!);
  return answer;
}

/** The Bot API calls the local Bot API refused, as Telegram would have (a message too long, say). */
export async function refusedCalls(apiRoot: string): Promise<(BotApiCall & { description: string })[]> {
  return (await (await fetch(`${apiRoot}/__refused`)).json()) as (BotApiCall & { description: string })[];
}

/** Delivers the updates in order (each must be accepted) and returns what the bot sent to this chat because of them. */
export async function converse(chatId: number, ...updates: Update[]): Promise<BotApiCall[]> {
  const before = (await callsFor(env.TEST_TELEGRAM_API_ROOT, chatId)).length;
  for (const update of updates) {
    const answer = await deliver(update);
    if (answer.status !== 200) throw new Error(`the webhook answered ${answer.status}`);
  }
  return (await callsFor(env.TEST_TELEGRAM_API_ROOT, chatId)).slice(before);
}

/** The texts the bot sent or edited, in order. */
export const saidIn = (calls: BotApiCall[]) => calls.filter((c) => c.method === "sendMessage" || c.method === "editMessageText").map((c) => String(c.payload.text));

/** Every inline button the bot offered. */
export const buttonsIn = (calls: BotApiCall[]) =>
  calls.flatMap((c) => (c.payload.reply_markup?.inline_keyboard ?? []).flat()) as { text: string; callback_data?: string; web_app?: { url: string } }[];
