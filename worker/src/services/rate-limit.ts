import { AppError } from "../errors.js";
import type { Deps } from "./deps.js";

export interface RateCheck {
  /** What is limited, e.g. `user:<id>` or `sign:<identity id>`. */
  key: string;
  limit: number;
  cost?: number;
}

/** How long this isolate trusts its view of a counter before it reads or writes KV again. */
const SYNC_MS = 1000;

interface Counter {
  count: number;
  readAt: number;
  writtenAt: number;
}

/**
 * Fixed-window counters shared by all isolates through KV and kept exactly within this isolate.
 * KV is eventually consistent and has no compare-and-set, so a count from KV is only ever a
 * lower bound: this isolate reads it at most once a second and writes it at most once a second
 * per key, counting everything in between itself.
 */
export function createRateCounter(kv: KVNamespace, now: () => number) {
  const counters = new Map<string, Counter>();
  return {
    async read(keys: string[]): Promise<number[]> {
      const t = now();
      return Promise.all(
        keys.map(async (key) => {
          let counter = counters.get(key);
          if (!counter || t - counter.readAt >= SYNC_MS) {
            const stored = Number(await kv.get(key)) || 0;
            counter = counters.get(key) ?? { count: 0, readAt: t, writtenAt: 0 };
            counter.count = Math.max(counter.count, stored);
            counter.readAt = t;
            counters.set(key, counter);
          }
          return counter.count;
        }),
      );
    },
    /** Adds `cost`; persists to KV unless this key was written less than a second ago. */
    add(key: string, cost: number, ttlSeconds: number): Promise<void> {
      const t = now();
      const counter = counters.get(key) ?? { count: 0, readAt: t, writtenAt: 0 };
      counter.count += cost;
      counters.set(key, counter);
      if (counters.size > 10_000) prune(counters, t);
      if (t - counter.writtenAt < SYNC_MS) return Promise.resolve();
      counter.writtenAt = t;
      return kv.put(key, String(counter.count), { expirationTtl: Math.max(60, ttlSeconds) });
    },
  };
}

function prune(counters: Map<string, Counter>, t: number): void {
  for (const [key, counter] of counters) if (t - counter.readAt > 10 * 60_000) counters.delete(key);
}

export type RateCounter = ReturnType<typeof createRateCounter>;

/**
 * Checks each window without counting yet; call the returned `commit` once the limited thing
 * happened (e.g. a signature was made), so refused attempts do not use up the allowance.
 * @throws AppError 429 `rate_limited` with `Retry-After` when any window is full.
 */
export async function checkRateLimits(deps: Deps, checks: RateCheck[]): Promise<() => void> {
  const { windowMs } = deps.config.rateLimit;
  const now = deps.now();
  const window = Math.floor(now / windowMs);
  const keys = checks.map((check) => `rl:${check.key}:${window}`);
  const counts = await deps.rateCounter.read(keys);
  const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
  checks.forEach((check, i) => {
    if (counts[i]! + (check.cost ?? 1) > check.limit) {
      throw new AppError(429, "rate_limited", `rate limit reached for ${check.key.split(":")[0]}; retry in ${retryAfter}s`, {
        "retry-after": String(retryAfter),
      });
    }
  });
  return () =>
    checks.forEach((check, i) => {
      deps.defer(deps.rateCounter.add(keys[i]!, check.cost ?? 1, retryAfter + 1));
    });
}

/** Counts one request against each check's window. @throws AppError 429 like `checkRateLimits`. */
export async function enforceRateLimits(deps: Deps, checks: RateCheck[]): Promise<void> {
  (await checkRateLimits(deps, checks))();
}
