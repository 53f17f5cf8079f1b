import type { Deps } from "./deps.js";

/** How often a waiter looks at KV for a decision made in another isolate. */
const KV_POLL_MS = 100;

/** Resolvers of requests waiting in this isolate, by request id. */
const waiters = new Map<string, Set<() => void>>();

const flagKey = (intentId: string) => `intent-decided:${intentId}`;

/**
 * Tells whoever waits on the request that it changed (decided or expired): waiters in this
 * isolate at once, waiters in other isolates through a short-lived KV flag. D1 stays the truth:
 * a waiter woken this way reads the request again.
 */
export function signalDecision(deps: Deps, intentId: string): void {
  for (const wake of waiters.get(intentId) ?? []) wake();
  deps.defer(deps.kvTickets.put(flagKey(intentId), "1", { expirationTtl: 60 }));
}

/**
 * Waits until the request may have changed: a signal in this isolate, the KV flag (looked at every
 * 100 ms), or `untilMs`, whichever comes first. Never says what changed: the caller reads D1.
 */
export async function waitForDecision(deps: Deps, intentId: string, untilMs: number): Promise<void> {
  let wake!: () => void;
  const signalled = new Promise<void>((resolve) => (wake = resolve));
  const set = waiters.get(intentId) ?? new Set();
  set.add(wake);
  waiters.set(intentId, set);
  try {
    while (deps.now() < untilMs) {
      const pause = new Promise<"pause">((resolve) => setTimeout(() => resolve("pause"), Math.min(KV_POLL_MS, untilMs - deps.now())));
      if ((await Promise.race([signalled, pause])) !== "pause") return;
      if ((await deps.kvTickets.get(flagKey(intentId))) !== null) return;
    }
  } finally {
    set.delete(wake);
    if (set.size === 0) waiters.delete(intentId);
  }
}
