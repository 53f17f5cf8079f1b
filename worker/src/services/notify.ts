import { approvalRequestMessage, intentOutcomeText, type IntentDecision } from "@clw/bot";
import { Api } from "grammy";
import { paymentOf, setIntentMessage } from "../db/sign-intents.js";
import type { SignIntentsTable } from "../db/schema.js";
import type { Deps } from "./deps.js";

/** Where the owner reviews one request outside the chat: the Mini App page (pay.clw.cash in a browser). */
export const approvalUrl = (deps: Deps, intentId: string) => `${deps.config.miniAppUrl}/#/requests/${intentId}`;

/** The Telegram link that opens the bot's Mini App on that request (`startapp`). */
function reviewUrl(deps: Deps, intentId: string): string {
  const username = deps.config.telegram.botUsername;
  return username ? `https://t.me/${username}?startapp=${intentId}` : approvalUrl(deps, intentId);
}

function api(deps: Deps): Api | null {
  const { botToken, apiRoot } = deps.config.telegram;
  return botToken ? new Api(botToken, { apiRoot }) : null;
}

/**
 * Sends the owner the request with Approve / Deny / Review buttons, after the response (a chat
 * outage never fails the agent's request), and remembers the message to edit it later.
 */
export function notifyOwner(deps: Deps, intent: SignIntentsTable, ownerTelegramId: number): void {
  const bot = api(deps);
  if (!bot) return;
  const message = approvalRequestMessage(
    { id: intent.id, identityId: intent.identity_id, digestHash: intent.digest_hash, payment: paymentOf(intent), requestedBy: intent.requested_by, expiresAt: new Date(intent.expires_ms).toISOString() },
    reviewUrl(deps, intent.id),
  );
  deps.defer(
    (async () => {
      const sent = await bot.sendMessage(ownerTelegramId, message.text, { parse_mode: "HTML", reply_markup: message.reply_markup });
      await setIntentMessage(deps.dbh.db, intent.id, ownerTelegramId, sent.message_id);
    })(),
  );
}

/** Edits the request's chat message to show the outcome, when there is one. */
export function showOutcome(deps: Deps, intent: Pick<SignIntentsTable, "telegram_chat_id" | "telegram_message_id">, outcome: IntentDecision | "expired", via?: string): void {
  const bot = api(deps);
  if (!bot || intent.telegram_chat_id === null || intent.telegram_message_id === null) return;
  deps.defer(bot.editMessageText(intent.telegram_chat_id, intent.telegram_message_id, intentOutcomeText(outcome, via)));
}
