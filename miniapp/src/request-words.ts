import { ClwApiError, formatSats, type IntentState } from "@clw/shared";
import { shortAddress } from "./address.js";
import { failureMessage } from "./sign-in-flow.js";

/** How a decision from the Mini App failed, and what the page should do about it. */
export type DecisionFailure =
  /** The session itself is over: back to sign-in. */
  | { kind: "session" }
  /** Decided elsewhere or expired meanwhile: reload the request to show where it stands. */
  | { kind: "gone" }
  | { kind: "refused"; title: string; message: string };

/** Reads an error from approve/deny into a sentence and a way forward. */
export function decisionFailure(error: unknown): DecisionFailure {
  if (error instanceof ClwApiError) {
    if (error.status === 401 && !/init data/i.test(error.message)) return { kind: "session" };
    if (error.status === 401) {
      return { kind: "refused", title: "Telegram could not confirm it's you", message: `${failureMessage(error)}. Close the Mini App and open it again from the bot, then decide.` };
    }
    if (error.status === 409 || error.status === 410) return { kind: "gone" };
    if (error.code === "policy_denied") return { kind: "refused", title: "Your policy refuses this payment", message: `${failureMessage(error)}. Deny it, or change the key's policy first.` };
    if (error.code === "forbidden") return { kind: "refused", title: "Not your request", message: "Only the Telegram account that owns this key can decide. Open the Mini App from your own chat with the bot." };
    if (error.code === "approval_required") return { kind: "refused", title: "Decide in Telegram", message: "Approving needs Telegram: use the buttons in the chat with the bot." };
  }
  return { kind: "refused", title: "Could not send your decision", message: failureMessage(error) };
}

/** One line for the requests list: "42,000 sats to bc1qw508…v8f3t4" or "Sign a digest". */
export function requestSummary(intent: Pick<IntentState, "payment">): string {
  return intent.payment ? `${formatSats(intent.payment.amount_sats)} to ${shortAddress(intent.payment.destination)}` : "Sign a digest (no payment details)";
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
