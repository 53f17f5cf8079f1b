import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client.js";
import { ConfigError, parseConfig, type Env } from "../env.js";
import { AppError } from "../errors.js";
import type { Deps } from "../services/deps.js";
import { createRateCounter } from "../services/rate-limit.js";
import type { AuthContext } from "../services/sessions.js";
import { createSignerClient } from "../signer-client.js";

export type AppEnv = { Bindings: Env; Variables: { deps: Deps; auth: AuthContext } };
export type AppContext = Context<AppEnv>;

type IsolateDeps = Omit<Deps, "defer" | "testMode">;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const isolates = new WeakMap<Env, IsolateDeps>();

/** Builds the services' dependencies once per isolate (config parsed, clients created). */
function isolateDeps(env: Env): IsolateDeps {
  let deps = isolates.get(env);
  if (!deps) {
    const config = parseConfig(env);
    deps = {
      config,
      dbh: createDb(env.DB),
      signer: createSignerClient({
        baseUrl: config.enclaveBaseUrl,
        apiKey: config.internalApiKey,
        evApiKey: config.evApiKey,
        timeoutMs: config.enclaveTimeoutMs,
      }),
      kvTickets: env.KV_TICKETS,
      rateCounter: createRateCounter(env.KV_RATE_LIMIT, Date.now),
      usersByTelegramId: new Map(),
      now: Date.now,
    };
    isolates.set(env, deps);
  }
  return deps;
}

/**
 * The services' dependencies for one request (its URL decides whether test mode applies) or a
 * scheduled run (never test mode).
 * @throws ConfigError naming what is missing or invalid.
 */
export function buildDeps(env: Env, ctx: Pick<ExecutionContext, "waitUntil">, requestUrl?: string): Deps {
  const deps = isolateDeps(env);
  const local = deps.config.environment === "local" || (requestUrl !== undefined && LOOPBACK_HOSTS.has(new URL(requestUrl).hostname));
  return {
    ...deps,
    testMode: deps.config.testModeAllowed && local,
    defer: (work) => ctx.waitUntil(work.catch((e: unknown) => console.error("deferred work failed", e))),
  };
}

/** Puts the services' dependencies on the context; a configuration problem is a loud 500. */
export const withDeps = createMiddleware<AppEnv>(async (c, next) => {
  try {
    c.set("deps", buildDeps(c.env, c.executionCtx, c.req.url));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      throw new AppError(500, "misconfigured", error.message);
    }
    throw error;
  }
  await next();
});
