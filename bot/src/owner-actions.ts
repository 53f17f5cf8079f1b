import type { Policy } from "@clw/shared";
import { InlineKeyboard } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { escape, policyText, shortId, when } from "./texts.js";

/** A change asked for without the owner present, waiting for them to confirm it in chat. */
export interface OwnerActionRequest {
  id: string;
  kind: "policy" | "destroy";
  identityId: string;
  /** What the change loosens, in words (for a policy). */
  changes: string[];
  /** The policy it would set (for a policy). */
  policy?: Policy;
  requestedBy: string | null;
  expiresAt: string;
}

export type OwnerActionDecision = "confirmed" | "denied" | "failed" | "gone" | "not_yours";

/** The chat message asking the owner to confirm a change: the facts, then Confirm / Cancel. */
export function ownerActionPrompt(action: OwnerActionRequest): { text: string; reply_markup: InlineKeyboardMarkup } {
  const who = escape(action.requestedBy ?? "an API session");
  const lines =
    action.kind === "destroy"
      ? [`⚠️ <b>Destroy key <code>${shortId(action.identityId)}</code>?</b>`, `Asked by: ${who}`, "The private key would be erased for good. Nothing happens unless you confirm."]
      : [
          `🔓 <b>Loosen the policy of key <code>${shortId(action.identityId)}</code>?</b>`,
          `Asked by: ${who}`,
          `It would allow: ${escape(action.changes.join("; "))}`,
          "",
          action.policy ? policyText(action.identityId, action.policy) : "",
        ];
  lines.push(`Expires: ${when(action.expiresAt)}`);
  const keyboard = new InlineKeyboard()
    .text(action.kind === "destroy" ? "🗑 Destroy it" : "✅ Confirm", `action:confirm:${action.id}`)
    .text("🚫 Cancel", `action:deny:${action.id}`);
  return { text: lines.filter((line, i, all) => line !== "" || all[i - 1] !== "").join("\n"), reply_markup: keyboard };
}

/** What the prompt says once decided (or when it can no longer be). */
export function ownerActionOutcomeText(outcome: OwnerActionDecision | "expired"): string {
  switch (outcome) {
    case "confirmed":
      return "✅ Confirmed and done.";
    case "denied":
      return "🚫 Cancelled. Nothing changed.";
    case "failed":
      return "⚠️ Confirmed, but it could no longer be done (the key is gone). Nothing changed.";
    case "expired":
      return "⌛ This request expired without a decision. Nothing changed.";
    default:
      return "This request has expired or was already decided.";
  }
}

/** Tells the owner that a key's policy changed, and how, when the change did not come from the chat. */
export function policyChangedNotice(identityId: string, policy: Policy, via: string, requestedBy: string | null): string {
  const by = requestedBy ? ` (asked by ${escape(requestedBy)})` : "";
  return `🔧 The policy of key <code>${shortId(identityId)}</code> was changed ${escape(via)}${by}.\n\n${policyText(identityId, policy)}`;
}
