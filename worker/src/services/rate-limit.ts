import { AppError } from "../errors.js";
import type { Deps } from "./deps.js";

export interface RateCheck {
  /** What is limited, e.g. `user:<id>` or `sign:<identity id>`. */
  key: string;
  limit: number;
  cost?: number;
}

/**
 * Fixed-window counters kept in KV (shared by all isolates, eventually consistent) and
 * mirrored in this isolate, so bursts inside one isolate are counted before KV catches up.
 */
export function createRateCounter(kv: KVNamespace) {
  const local = new Map<string, number>();
  return {
    async read(keys: string[]): Promise<number[]> {
      const stored = await Promise.all(keys.map((key) => kv.get(key)));
      return keys.map((key, i) => Math.max(Number(stored[i] ?? 0) || 0, local.get(key) ?? 0));
    },
    write(key: string, count: number, ttlSeconds: number): Promise<void> {
      local.set(key, count);
      if (local.size > 10_000) local.clear();
      return kv.put(key, String(count), { expirationTtl: Math.max(60, ttlSeconds) });
    },
  };
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
      deps.defer(deps.rateCounter.write(keys[i]!, counts[i]! + (check.cost ?? 1), retryAfter + 1));
    });
}

/** Counts one request against each check's window. @throws AppError 429 like `checkRateLimits`. */
export async function enforceRateLimits(deps: Deps, checks: RateCheck[]): Promise<void> {
  (await checkRateLimits(deps, checks))();
}
