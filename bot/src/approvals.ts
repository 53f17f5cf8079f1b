import type { Payment, TransactionSummary } from "@clw/shared";
import { InlineKeyboard } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { amount, escape, MAX_OUTPUTS_IN_MESSAGE, shortId, transactionLines, when } from "./texts.js";

/** A request waiting for the owner, as the chat message shows it. */
export interface ApprovalRequest {
  id: string;
  identityId: string;
  digestHash: string;
  /** For a raw digest: what the requester declares it pays (a claim nobody checked). */
  payment: Payment | null;
  /** For a PSBT: the transaction as the signer decoded it. */
  transaction: TransactionSummary | null;
  requestedBy: string | null;
  expiresAt: string;
}

/** Whether the chat message can list every output: only then does it offer Approve. */
const listsEverything = (request: ApprovalRequest) => (request.transaction?.outputs.length ?? 0) <= MAX_OUTPUTS_IN_MESSAGE;

function describe(request: ApprovalRequest): string[] {
  if (request.transaction) {
    const lines = ["<b>Transaction to sign</b>", ...transactionLines(request.transaction, MAX_OUTPUTS_IN_MESSAGE)];
    if (!listsEverything(request)) lines.push("⚠️ Too many outputs to list here: tap 🔎 Review to see every one, and approve or deny there.");
    return lines;
  }
  const lines = ["<b>Signing request</b>", "⚠️ This signs a raw digest: its content cannot be checked."];
  if (request.payment) {
    lines.push(
      "The requester declares (not verified):",
      `Amount: ${amount(request.payment.amount_sats)}`,
      `To: <code>${escape(request.payment.destination)}</code>`,
      ...(request.payment.memo ? [`Memo: ${escape(request.payment.memo)}`] : []),
    );
  }
  return lines;
}

/**
 * The chat message for a pending request: the facts, then Approve / Deny / Review. A transaction
 * with more outputs than the message lists gets no Approve button: the owner approves what they
 * saw, so in the Mini App, which lists them all.
 */
export function approvalRequestMessage(request: ApprovalRequest, reviewUrl: string): { text: string; reply_markup: InlineKeyboardMarkup } {
  const lines = [
    ...describe(request),
    `Key: <code>${shortId(request.identityId)}</code>`,
    `${request.transaction ? "Binding" : "Digest"} hash: <code>${request.digestHash.slice(0, 16)}…</code>`,
    `Asked by: ${escape(request.requestedBy ?? "an API session")}`,
    `Expires: ${when(request.expiresAt)}`,
  ];
  const keyboard = new InlineKeyboard();
  if (listsEverything(request)) keyboard.text("✅ Approve", `intent:approve:${request.id}`);
  keyboard.text("🚫 Deny", `intent:deny:${request.id}`).row().url("🔎 Review", reviewUrl);
  return { text: lines.join("\n"), reply_markup: keyboard };
}

export type IntentDecision = "approved" | "denied" | "gone" | "not_yours" | "over_limit" | "not_allowed";

/** What the request's chat message says once it has been decided (or can no longer be). */
export function intentOutcomeText(outcome: IntentDecision | "expired", via?: string): string {
  const where = via === "miniapp" ? " in the Mini App" : via === "chat" ? " in chat" : "";
  switch (outcome) {
    case "approved":
      return `✅ Approved${where}. The agent can now sign once.`;
    case "denied":
      return `🚫 Denied${where}. Nothing will be signed.`;
    case "expired":
      return "⌛ This request expired without a decision.";
    case "over_limit":
      return "⛔ Approving this would exceed the key's daily limit. Raise the limit with /policy, or deny it.";
    case "not_allowed":
      return "⛔ The destination is no longer on this key's allowlist.";
    default:
      return "This request has expired or was already decided.";
  }
}
