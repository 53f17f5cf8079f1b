import { ClwApiError, type OwnerActionState } from "@clw/shared";
import { defaultSleep, failureMessage } from "./sign-in-flow.js";

/**
 * Where a change that waits for the owner's confirmation in Telegram stands, as the page follows
 * it: still waiting, decided (confirmed, denied, expired, failed), or lost track of.
 */
export type ActionProgress = { status: OwnerActionState["status"]; action: OwnerActionState } | { status: "unknown"; message: string };

/** The one call the flow needs (a subset of the typed client, so tests can fake it). */
export interface ActionApi {
  getAction(actionId: string): Promise<OwnerActionState>;
}

export interface FollowOptions {
  intervalMs?: number;
  /** Consecutive network failures tolerated before giving up. */
  maxFailures?: number;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onProgress: (progress: ActionProgress) => void;
}

/**
 * Follows a pending change (`GET /v1/actions/:id` every `intervalMs`) until the owner confirms or
 * cancels it in the chat, it expires, or it fails; reports each new state and returns the last.
 * A 401 is rethrown (the session ended); a 404 or repeated failures end as `unknown`.
 */
export async function followAction(api: ActionApi, actionId: string, options: FollowOptions): Promise<ActionProgress> {
  const { intervalMs = 2000, maxFailures = 5, signal, sleep = defaultSleep, onProgress } = options;
  let failures = 0;
  let last: string | null = null;
  while (!signal?.aborted) {
    try {
      const action = await api.getAction(actionId);
      failures = 0;
      const progress: ActionProgress = { status: action.status, action };
      if (!signal?.aborted && action.status !== last) onProgress(progress);
      last = action.status;
      if (action.status !== "pending_confirmation") return progress;
    } catch (error) {
      if (error instanceof ClwApiError && error.status === 401) throw error;
      failures += 1;
      if ((error instanceof ClwApiError && error.status === 404) || failures >= maxFailures) {
        const lost: ActionProgress = { status: "unknown", message: failureMessage(error) };
        if (!signal?.aborted) onProgress(lost);
        return lost;
      }
    }
    await sleep(intervalMs, signal);
  }
  return { status: "unknown", message: "stopped following" };
}

/**
 * What became of a change, for the owner: a title and a sentence. `decidedVia` tells a Cancel
 * pressed in the chat (`chat`) from one pressed in the app (`api`).
 */
export function actionOutcomeWords(kind: OwnerActionState["kind"], status: Exclude<OwnerActionState["status"], "pending_confirmation">, decidedVia: string | null = "chat"): { title: string; message: string } {
  const what = kind === "destroy" ? "the key" : "the policy";
  if (status === "denied" && decidedVia !== "chat") return { title: "Cancelled", message: `You cancelled it before it was confirmed. Nothing changed on ${what}.` };
  switch (status) {
    case "confirmed":
      return kind === "destroy"
        ? { title: "Destroyed", message: "You confirmed it in Telegram: the key is destroyed and can never sign again." }
        : { title: "Saved", message: "You confirmed it in Telegram: the new policy applies to the next request." };
    case "denied":
      return { title: "Cancelled", message: `You cancelled it in Telegram. Nothing changed on ${what}.` };
    case "expired":
      return { title: "Not confirmed in time", message: `Nobody confirmed it in Telegram before it expired, so nothing changed on ${what}. Try again to get a fresh prompt.` };
    case "failed":
      return { title: "Could not be done", message: `It was confirmed, but could no longer be made (the key is gone). Nothing changed on ${what}.` };
  }
}

/** A waiting change as a headline: "Loosen the policy of key 1a2b3c4d…", "Destroy key 1a2b3c4d…". */
export function pendingActionTitle(kind: OwnerActionState["kind"], key: string): string {
  return kind === "destroy" ? `Destroy ${key}` : `Loosen the policy of ${key}`;
}
