import { ClwApiError, formatSats, type IntentState } from "@clw/shared";
import { shortAddress } from "./address.js";
import { isInitDataRefusal } from "./presence.js";
import { failureMessage } from "./sign-in-flow.js";

/** How a decision from the Mini App failed, and what the page should do about it. */
export type DecisionFailure =
  /** The session itself is over: back to sign-in. */
  | { kind: "session" }
  /** Decided elsewhere or expired meanwhile: reload the request to show where it stands. */
  | { kind: "gone" }
  /** Telegram's proof did not count (stale, used, not for this request): decide in the chat instead. */
  | { kind: "chat"; title: string; message: string }
  | { kind: "refused"; title: string; message: string };

/** Reads an error from approve/deny into a sentence and a way forward. */
export function decisionFailure(error: unknown): DecisionFailure {
  if (error instanceof ClwApiError) {
    if (isInitDataRefusal(error)) {
      const why = error.code === "approval_required" ? "This Mini App can't decide this request" : "Telegram could not confirm it's you";
      return { kind: "chat", title: why, message: `${failureMessage(error)}. Decide with the buttons in the chat instead.` };
    }
    if (error.status === 401) return { kind: "session" };
    if (error.status === 409 || error.status === 410) return { kind: "gone" };
    if (error.code === "policy_denied") return { kind: "refused", title: "Your policy refuses this request", message: `${failureMessage(error)}. Deny it, or change the key's policy first.` };
    if (error.code === "forbidden") return { kind: "refused", title: "Not your request", message: "Only the Telegram account that owns this key can decide. Open the Mini App from your own chat with the bot." };
  }
  return { kind: "refused", title: "Could not send your decision", message: failureMessage(error) };
}

type Summarised = Pick<IntentState, "payment" | "transaction">;

/**
 * One line for the requests list: "Transaction spending 42,000 sats",
 * "42,000 sats to bc1qw508…v8f3t4 (declared)" or "Raw digest (content can't be checked)".
 */
export function requestSummary(intent: Summarised): string {
  if (intent.transaction) return `Transaction spending ${formatSats(intent.transaction.spend_sats)}`;
  if (intent.payment) return `${formatSats(intent.payment.amount_sats)} to ${shortAddress(intent.payment.destination)} (declared)`;
  return "Raw digest (content can't be checked)";
}

/** The request as the outcome screen names it: "the transaction spending 42,000 sats". */
export function requestNoun(intent: Summarised | null): string {
  if (intent?.transaction) return `the transaction spending ${formatSats(intent.transaction.spend_sats)}`;
  if (intent?.payment) return `the raw digest declared as a payment of ${formatSats(intent.payment.amount_sats)}`;
  return intent ? "the raw digest" : "this request";
}

/** Who asked, in words. */
export function requesterLabel(requestedBy: string | null): string {
  return requestedBy ?? "an API client (no label)";
}

/** The outcome screen a request's status leads to; null while it still waits for the owner. */
export function outcomeOf(status: IntentState["status"]): "approved" | "denied" | "expired" | null {
  if (status === "approved" || status === "used") return "approved";
  if (status === "denied" || status === "expired") return status;
  return null;
}

/** "≈ 2.5 sat/vB": an estimated fee rate, to one decimal below 10 and whole above. */
export function formatFeeRate(satPerVb: number): string {
  const rounded = satPerVb < 10 ? Math.round(satPerVb * 10) / 10 : Math.round(satPerVb);
  return `≈ ${rounded.toLocaleString("en")} sat/vB`;
}
