import type { FakeTelegram } from "../../worker/stack/fake-telegram.js";
import { callbackUpdate, textUpdate, type Update } from "../../worker/stack/telegram-updates.js";

/** An inline keyboard button of a bot message. */
export type Button = { text: string; url?: string; callback_data?: string };

/** A message the bot sent to a chat, as the fake Bot API received it. */
export interface BotMessage {
  text: string;
  buttons: Button[];
}

/**
 * Waits for the newest message the bot sent to `chatId` that has a button matching `button`
 * (e.g. the Confirm button of a change that waits for the owner).
 * @throws Error when none arrives within ~10 s.
 */
export async function waitForBotMessage(telegram: FakeTelegram, chatId: number, button: (b: Button) => boolean): Promise<BotMessage> {
  for (let i = 0; i < 100; i++) {
    const sent = telegram
      .calls()
      .filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === chatId)
      .map((c) => ({ text: String(c.payload.text ?? ""), buttons: ((c.payload.reply_markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? []).flat() }))
      .filter((m) => m.buttons.some(button))
      .at(-1);
    if (sent) return sent;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the bot never sent chat ${chatId} the expected message`);
}

/**
 * Delivers an update to the Worker's webhook the way Telegram does (with the webhook's secret).
 * A reply given as the webhook's own answer is not carried out: these tests follow what the
 * owner's presses change, not what the chat shows (the Worker's tests cover the messages).
 */
async function deliver(apiUrl: string, webhookSecret: string, update: Update): Promise<void> {
  const res = await fetch(`${apiUrl}/telegram-webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": webhookSecret },
    body: JSON.stringify(update),
  });
  if (res.status !== 200) throw new Error(`the webhook answered ${res.status}`);
}

/** The owner presses a button (its `callback_data`) of a bot message in their chat. */
export const pressInChat = (apiUrl: string, webhookSecret: string, telegramUserId: number, data: string) => deliver(apiUrl, webhookSecret, callbackUpdate(telegramUserId, data));

/** The owner sends the bot a text message (a command, or `/start <code>` from a deep link). */
export const sendInChat = (apiUrl: string, webhookSecret: string, telegramUserId: number, text: string) => deliver(apiUrl, webhookSecret, textUpdate(telegramUserId, text));
