import type { Env } from "../src/env.js";

/** The bot token of the tests' local Bot API (never a real one). */
export const TEST_BOT_TOKEN = "123456789:test-token-for-the-local-bot-api";
export const TEST_WEBHOOK_SECRET = "test-webhook-secret-0123456789";

let nextUpdateId = Math.floor(Math.random() * 1e8) + 1e6;
let nextMessageId = 1;

const from = (userId: number) => ({ id: userId, is_bot: false, first_name: `Owner ${userId}`, language_code: "en" });
const chat = (userId: number) => ({ id: userId, type: "private" as const, first_name: `Owner ${userId}` });

export interface Update {
  update_id: number;
  [key: string]: unknown;
}

/** A text message (a command when it starts with `/`) from a user in their private chat. */
export function textUpdate(userId: number, text: string): Update {
  const command = /^\/\w+/.exec(text);
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: chat(userId),
      from: from(userId),
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
    },
  };
}

/** A button press by `userId` on a message the bot sent to `chatId`. */
export function callbackUpdate(userId: number, data: string, chatId = userId): Update {
  return {
    update_id: nextUpdateId++,
    callback_query: {
      id: `cb-${chatId}-${nextUpdateId}`,
      from: from(userId),
      chat_instance: `ci-${chatId}`,
      data,
      message: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: chat(chatId), from: { id: 123456789, is_bot: true, first_name: "clw.cash" }, text: "…" },
    },
  };
}

/** Any other message kind (sticker, photo, …) from a user. */
export function messageUpdate(userId: number, content: Record<string, unknown>, kind = "message"): Update {
  return {
    update_id: nextUpdateId++,
    [kind]: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: chat(userId), from: from(userId), ...content },
  };
}

/** The Worker's env with the bot configured against the local Bot API. */
export function botEnv(env: Env & { TEST_TELEGRAM_API_ROOT: string }, extra: Partial<Env> = {}): Partial<Env> {
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
