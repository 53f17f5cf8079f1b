import { ClwApiError, type Challenge, type Session } from "@clw/shared";

/** Where a browser sign-in stands while the owner decides in Telegram. */
export type SignInState =
  | { status: "starting" }
  | { status: "waiting"; challenge: Challenge }
  /** The server runs in test mode (no deep link): sign in by naming a Telegram user id. */
  | { status: "test-mode" }
  | { status: "approved"; session: Session }
  | { status: "denied" }
  | { status: "expired" }
  | { status: "failed"; message: string };

/** The two calls the flow needs (a subset of the typed client, so tests can fake it). */
export interface SignInApi {
  createChallenge(request?: { telegram_user_id?: number; client_label?: string }): Promise<Challenge>;
  verify(challengeId: string): Promise<{ status: "pending" } | ({ status: "approved" } & Session)>;
}

export interface SignInOptions {
  /** Test mode only: the Telegram user to sign in as. */
  telegramUserId?: number;
  intervalMs?: number;
  /** Consecutive network failures tolerated before giving up. */
  maxFailures?: number;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onState: (state: SignInState) => void;
}

/** Waits `ms`, or less when `signal` aborts. */
export const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Runs a browser sign-in: starts a challenge, then polls verify every `intervalMs` until the
 * owner approves (→ approved), denies (→ denied), or the challenge lapses (→ expired). Every state
 * is reported through `onState`; the final one is also returned. Aborting stops quietly.
 */
export async function runSignIn(api: SignInApi, options: SignInOptions): Promise<SignInState> {
  const { intervalMs = 2000, maxFailures = 5, signal, now = Date.now, sleep = defaultSleep, onState } = options;
  const report = (state: SignInState) => {
    if (!signal?.aborted) onState(state);
    return state;
  };
  report({ status: "starting" });
  let challenge: Challenge;
  try {
    const request = options.telegramUserId === undefined ? { client_label: "pay.clw.cash" } : { telegram_user_id: options.telegramUserId, client_label: "pay.clw.cash" };
    challenge = await api.createChallenge(request);
  } catch (error) {
    return report({ status: "failed", message: failureMessage(error) });
  }
  if (challenge.deep_link === null && options.telegramUserId === undefined) return report({ status: "test-mode" });
  report({ status: "waiting", challenge });
  let failures = 0;
  while (!signal?.aborted) {
    if (now() >= Date.parse(challenge.expires_at)) return report({ status: "expired" });
    try {
      const result = await api.verify(challenge.challenge_id);
      failures = 0;
      if (result.status === "approved") {
        const { status: _approved, ...session } = result;
        return report({ status: "approved", session });
      }
    } catch (error) {
      if (error instanceof ClwApiError && error.status === 403) return report({ status: "denied" });
      if (error instanceof ClwApiError && error.status === 404) return report({ status: "expired" });
      if (error instanceof ClwApiError && error.status !== 429 && error.status < 500) {
        return report({ status: "failed", message: failureMessage(error) });
      }
      failures += 1;
      if (failures >= maxFailures) return report({ status: "failed", message: failureMessage(error) });
    }
    await sleep(intervalMs, signal);
  }
  return { status: "failed", message: "cancelled" };
}

/** A sentence for a person, for any error the API client can throw. */
export function failureMessage(error: unknown): string {
  if (error instanceof ClwApiError) {
    if (error.code === "misconfigured") return "Sign-in is not configured on this server yet.";
    if (error.status === 429) return "Too many attempts. Wait a minute, then try again.";
    if (error.status >= 500) return "The clw.cash service is having trouble. Try again in a moment.";
    return error.message.charAt(0).toUpperCase() + error.message.slice(1);
  }
  return "Can't reach the clw.cash service. Check your connection and try again.";
}
