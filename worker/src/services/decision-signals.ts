import type { SignIntentsTable } from "../db/schema.js";
import type { Deps } from "./deps.js";

/** How often a waiter looks at KV for a decision made in another isolate. */
const KV_POLL_MS = 100;

/** Resolvers of requests waiting in this isolate, by request id. */
const waiters = new Map<string, Set<(row: SignIntentsTable) => void>>();

const flagKey = (intentId: string) => `intent-decided:${intentId}`;

/**
 * Tells whoever waits on the request that it changed (decided or expired): waiters in this
 * isolate at once, with the row as D1 returned it from the change; waiters in other isolates
 * through a short-lived KV flag, after which they read D1 again.
 */
export function signalDecision(deps: Deps, row: SignIntentsTable): void {
  for (const wake of waiters.get(row.id) ?? []) wake(row);
  deps.defer(deps.kvTickets.put(flagKey(row.id), "1", { expirationTtl: 60 }));
}

/**
 * Waits until the request may have changed: a signal in this isolate (which hands over the
 * changed row), the KV flag (looked at every 100 ms), or `untilMs`, whichever comes first.
 * @returns the changed row when this isolate made the change; otherwise the caller reads D1.
 */
export async function waitForDecision(deps: Deps, intentId: string, untilMs: number): Promise<SignIntentsTable | undefined> {
  let wake!: (row: SignIntentsTable) => void;
  const signalled = new Promise<SignIntentsTable>((resolve) => (wake = resolve));
  const set = waiters.get(intentId) ?? new Set();
  set.add(wake);
  waiters.set(intentId, set);
  try {
    while (deps.now() < untilMs) {
      const pause = new Promise<"pause">((resolve) => setTimeout(() => resolve("pause"), Math.min(KV_POLL_MS, untilMs - deps.now())));
      const woken = await Promise.race([signalled, pause]);
      if (woken !== "pause") return woken;
      if ((await deps.kvTickets.get(flagKey(intentId))) !== null) return undefined;
    }
    return undefined;
  } finally {
    set.delete(wake);
    if (set.size === 0) waiters.delete(intentId);
  }
}
