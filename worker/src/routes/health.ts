import { Hono } from "hono";
import { withDeps, type AppEnv } from "../middleware/context.js";
import type { Deps } from "../services/deps.js";
import { admit, clientAddress } from "../services/rate-limit.js";

type Check = { ok: true; ms: number } | { ok: false; ms: number; error: string };

async function timed(probe: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const started = Date.now();
  try {
    await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))]);
    return { ok: true, ms: Date.now() - started };
  } catch (error) {
    return { ok: false, ms: Date.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Checks D1, KV and the signer at once, each with its own verdict. */
async function deepChecks(deps: Deps, kv: KVNamespace) {
  const timeout = deps.config.enclaveTimeoutMs;
  const [d1, kvCheck, signer] = await Promise.all([
    timed(() => deps.dbh.d1.prepare("SELECT 1").first(), timeout),
    timed(() => kv.get("health:probe"), timeout),
    timed(async () => {
      const res = await fetch(`${deps.config.enclaveBaseUrl}/health`, { signal: AbortSignal.timeout(timeout) });
      if (!res.ok) throw new Error(`the signer answered ${res.status}`);
    }, timeout),
  ]);
  return { d1, kv: kvCheck, signer };
}

/**
 * `GET /health`: cheap liveness, touching nothing. `GET /health?deep=1`: also D1, KV and the
 * signer, naming whichever fails (503), for monitoring.
 */
export const healthRoutes = new Hono<AppEnv>()
  .use("/health", (c, next) => (c.req.query("deep") === undefined ? next() : withDeps(c, next)))
  .get("/health", async (c) => {
    if (c.req.query("deep") === undefined) return c.json({ ok: true, service: "api" });
    const deps = c.get("deps");
    await admit(deps, [{ key: `health:${clientAddress(c.req)}`, limit: deps.config.rateLimit.perUser }]);
    const checks = await deepChecks(deps, c.env.KV_RATE_LIMIT);
    const failing = Object.entries(checks).filter(([, check]) => !check.ok).map(([name]) => name);
    return c.json({ ok: failing.length === 0, service: "api", failing, checks }, failing.length ? 503 : 200);
  });
