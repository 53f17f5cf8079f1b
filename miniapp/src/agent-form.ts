import { type AgentCreateRequest, type AgentPermission, ClwApiError } from "@clw/shared";
import { isInitDataRefusal, proofRefusalWords } from "./presence.js";
import { failureMessage } from "./sign-in-flow.js";

const DAY = 86_400;

/** How long a new agent key works, as offered (the API takes 60 s to a year). */
export const LIFETIMES = [
  { value: "never", label: "Until I revoke it", seconds: null },
  { value: "1h", label: "1 hour", seconds: 3600 },
  { value: "1d", label: "1 day", seconds: DAY },
  { value: "7d", label: "7 days", seconds: 7 * DAY },
  { value: "30d", label: "30 days", seconds: 30 * DAY },
  { value: "90d", label: "90 days", seconds: 90 * DAY },
  { value: "1y", label: "1 year", seconds: 365 * DAY },
] as const;
export type Lifetime = (typeof LIFETIMES)[number]["value"];

/** The "New agent key" form as typed. */
export interface AgentForm {
  name: string;
  /** All of the owner's keys (now and later), or only `identityIds`. */
  allKeys: boolean;
  identityIds: string[];
  permissions: AgentPermission[];
  lifetime: Lifetime;
}

export type AgentFormErrors = Partial<Record<"name" | "keys" | "permissions", string>>;

/** The form as it opens: every key, both permissions (the API's defaults), no end date. */
export function emptyAgentForm(): AgentForm {
  return { name: "", allKeys: true, identityIds: [], permissions: ["sign", "read"], lifetime: "never" };
}

// The API's rule for names: 1–64 characters after trimming, no control characters.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks the form and turns it into `POST /v1/agents`'s body, or says what to fix. */
export function formToAgentRequest(form: AgentForm): { ok: true; request: AgentCreateRequest } | { ok: false; errors: AgentFormErrors } {
  const errors: AgentFormErrors = {};
  const name = form.name.trim();
  if (!name) errors.name = "Give it a name, so you know it in this list and in the audit trail.";
  else if (name.length > 64) errors.name = "At most 64 characters.";
  else if (CONTROL.test(name)) errors.name = "Use printable characters only.";
  if (!form.allKeys && form.identityIds.length === 0) errors.keys = "Pick at least one key, or give it all your keys.";
  if (form.permissions.length === 0) errors.permissions = "Pick at least one thing it may do.";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const seconds = LIFETIMES.find((l) => l.value === form.lifetime)?.seconds ?? null;
  const request: AgentCreateRequest = { name, permissions: (["sign", "read"] as const).filter((p) => form.permissions.includes(p)) };
  if (!form.allKeys) request.identity_ids = [...new Set(form.identityIds)];
  if (seconds !== null) request.expires_in = seconds;
  return { ok: true, request };
}

/**
 * Why no agent key was made. `reopen`: Telegram's proof that the owner is here was refused (used
 * already, stale, not genuine, or not a Mini App session), and only a fresh launch of the Mini App
 * from the chat brings new proof: a key is never made without it.
 */
export function mintFailureWords(error: unknown): { title: string; message: string; reopen: boolean } {
  if (isInitDataRefusal(error)) {
    return {
      title: "Reopen the Mini App to make a key",
      message: `No key was made: Telegram's proof that you're here did not count (${proofRefusalWords(error as ClwApiError)}). A key is only made with fresh proof, so close the Mini App, open it again from the chat with the bot, and make the key within 5 minutes.`,
      reopen: true,
    };
  }
  return { title: "Could not make the agent key", message: failureMessage(error), reopen: false };
}
