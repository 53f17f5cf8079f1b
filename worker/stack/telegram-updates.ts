/**
 * Real Telegram `Update` JSON for tests and benchmarks: what Telegram would POST to the webhook.
 * Update ids count up from a random start, so runs never collide with each other's ids.
 */

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
      message: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: chat(chatId), from: { id: 1, is_bot: true, first_name: "clw.cash" }, text: "…" },
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

/**
 * What Telegram does with the webhook's answer: a JSON body with a `method` is a Bot API call it
 * makes for the bot (what fails there, the bot never hears of). Carries it out against the Bot
 * API at `apiRoot` (a local one); an empty answer does nothing.
 */
export async function performWebhookAnswer(answer: string, apiRoot: string, token: string): Promise<void> {
  if (!answer.trim()) return;
  const { method, ...payload } = JSON.parse(answer) as Record<string, unknown>;
  if (typeof method !== "string") return;
  await fetch(`${apiRoot}/bot${token}/${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) }).then((r) => r.arrayBuffer());
}
