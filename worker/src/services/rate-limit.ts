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
 * per key, counting everything in between itself. Admission (check and count) is synchronous
 * once the counters are fresh, so concurrent requests in one isolate cannot all slip under a limit.
 */
export function createRateCounter(kv: KVNamespace, now: () => number) {
  const counters = new Map<string, Counter>();
  const counter = (key: string, t: number) => {
    let found = counters.get(key);
    if (!found) {
      found = { count: 0, readAt: 0, writtenAt: 0 };
      counters.set(key, found);
      if (counters.size > 10_000) prune(counters, t);
    }
    return found;
  };
  const persist = (key: string, entry: Counter, t: number, ttlSeconds: number): Promise<void> => {
    if (t - entry.writtenAt < SYNC_MS) return Promise.resolve();
    entry.writtenAt = t;
    return kv.put(key, String(entry.count), { expirationTtl: Math.max(60, ttlSeconds) });
  };
  return {
    /** Refreshes this isolate's view of the counters from KV where it is older than a second. */
    async sync(keys: string[]): Promise<void> {
      const t = now();
      await Promise.all(
        keys.map(async (key) => {
          const entry = counter(key, t);
          if (t - entry.readAt < SYNC_MS) return;
          entry.readAt = t;
          const stored = Number(await kv.get(key)) || 0;
          // Read the count only now: other requests may have counted while KV answered.
          entry.count = Math.max(entry.count, stored);
        }),
      );
    },
    /** The current count (after `sync`). */
    count: (key: string) => counter(key, now()).count,
    /** Adds `cost` (negative to refund); persists to KV unless this key was written less than a second ago. */
    add(key: string, cost: number, ttlSeconds: number): Promise<void> {
      const t = now();
      const entry = counter(key, t);
      entry.count = Math.max(0, entry.count + cost);
      return persist(key, entry, t, ttlSeconds);
    },
  };
}

function prune(counters: Map<string, Counter>, t: number): void {
  for (const [key, counter] of counters) if (t - counter.readAt > 10 * 60_000) counters.delete(key);
}

export type RateCounter = ReturnType<typeof createRateCounter>;

/**
 * Admits a request against each window, counting it at once (all windows or none), and returns
 * a `refund` that takes the count back when what was limited did not happen (e.g. the signer
 * failed, or the session had ended).
 * @throws AppError 429 `rate_limited` with `Retry-After` when any window is full.
 */
export async function admit(deps: Deps, checks: RateCheck[]): Promise<() => void> {
  const { windowMs } = deps.config.rateLimit;
  const now = deps.now();
  const window = Math.floor(now / windowMs);
  const keys = checks.map((check) => `rl:${check.key}:${window}`);
  await deps.rateCounter.sync(keys);
  const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
  // From here to the counting there is no await: the check and the count are one step.
  checks.forEach((check, i) => {
    if (deps.rateCounter.count(keys[i]!) + (check.cost ?? 1) > check.limit) {
      throw new AppError(429, "rate_limited", `rate limit reached for ${check.key.split(":")[0]}; retry in ${retryAfter}s`, {
        "retry-after": String(retryAfter),
      });
    }
  });
  const apply = (sign: 1 | -1) => checks.forEach((check, i) => deps.defer(deps.rateCounter.add(keys[i]!, sign * (check.cost ?? 1), retryAfter + 1)));
  apply(1);
  let refunded = false;
  return () => {
    if (refunded) return;
    refunded = true;
    apply(-1);
  };
}

/** The caller's address as Cloudflare reports it (`local` in development). */
export const clientAddress = (req: { header(name: string): string | undefined }) => req.header("cf-connecting-ip") ?? "local";
