import {
  approvalRequestMessage,
  intentOutcomeText,
  ownerActionOutcomeText,
  ownerActionPrompt,
  policyChangedNotice,
  type IntentDecision,
  type OwnerActionDecision,
  type OwnerActionRequest,
} from "@clw/bot";
import type { Policy } from "@clw/shared";
import { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { setOwnerActionMessage } from "../db/owner-actions.js";
import { setIntentMessage } from "../db/sign-intents.js";
import type { SignIntentsTable } from "../db/schema.js";
import type { Deps, Source } from "./deps.js";
import { approvalRequestOf } from "./intent-view.js";

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
 * Sends the owner a message after the response (a chat outage never fails the request that
 * caused it) and hands its id to `remember`, so the message can be edited with the outcome.
 */
function send(deps: Deps, chatId: number, message: { text: string; reply_markup?: InlineKeyboardMarkup }, remember?: (messageId: number) => Promise<void>): void {
  const bot = api(deps);
  if (!bot) return;
  deps.defer(
    (async () => {
      const sent = await bot.sendMessage(chatId, message.text, { parse_mode: "HTML", reply_markup: message.reply_markup });
      await remember?.(sent.message_id);
    })(),
  );
}

function edit(deps: Deps, row: { telegram_chat_id: number | null; telegram_message_id: number | null }, text: string): void {
  const bot = api(deps);
  if (!bot || row.telegram_chat_id === null || row.telegram_message_id === null) return;
  deps.defer(bot.editMessageText(row.telegram_chat_id, row.telegram_message_id, text));
}

/** Sends the owner the request with Approve / Deny / Review buttons, and remembers the message. */
export function notifyOwner(deps: Deps, intent: SignIntentsTable, ownerTelegramId: number): void {
  const message = approvalRequestMessage(approvalRequestOf(intent), reviewUrl(deps, intent.id));
  send(deps, ownerTelegramId, message, (messageId) => setIntentMessage(deps.dbh.db, intent.id, ownerTelegramId, messageId));
}

/** Edits the request's chat message to show the outcome, when there is one. */
export function showOutcome(deps: Deps, intent: Pick<SignIntentsTable, "telegram_chat_id" | "telegram_message_id">, outcome: IntentDecision | "expired", via?: string): void {
  edit(deps, intent, intentOutcomeText(outcome, via));
}

const SOURCE_WORDS: Record<Source, string> = { api: "through the API", miniapp: "in the Mini App", telegram: "in Telegram", system: "automatically" };

/** Tells the owner a key's policy changed (any change not made in the chat itself). */
export function tellPolicyChanged(deps: Deps, ownerTelegramId: number, identityId: string, policy: Policy, source: Source, requestedBy: string | null): void {
  send(deps, ownerTelegramId, { text: policyChangedNotice(identityId, policy, SOURCE_WORDS[source], requestedBy) });
}

/** Asks the owner to confirm a change with Confirm / Cancel, and remembers the message. */
export function askOwnerToConfirm(deps: Deps, ownerTelegramId: number, action: OwnerActionRequest): void {
  send(deps, ownerTelegramId, ownerActionPrompt(action), (messageId) => setOwnerActionMessage(deps.dbh.db, action.id, ownerTelegramId, messageId));
}

/** Edits a confirmation prompt to show what became of it. */
export function showActionOutcome(deps: Deps, row: { telegram_chat_id: number | null; telegram_message_id: number | null }, outcome: OwnerActionDecision | "expired"): void {
  edit(deps, row, ownerActionOutcomeText(outcome));
}
