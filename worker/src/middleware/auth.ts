import { createMiddleware } from "hono/factory";
import { unauthorized } from "../errors.js";
import { authenticate, readSessionToken } from "../services/sessions.js";
import type { AppContext, AppEnv } from "./context.js";

function bearer(c: AppContext): string {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (!match) throw unauthorized();
  return match[1]!;
}

/** Requires `Authorization: Bearer <session token>` of a live session; sets `auth`. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  c.set("auth", await authenticate(c.get("deps"), bearer(c)));
  await next();
});

/**
 * Like `requireSession`, but leaves the revocation check to the route's service, which folds
 * it into its own D1 query (one round trip instead of two on the signing path).
 */
export const requireSessionToken = createMiddleware<AppEnv>(async (c, next) => {
  c.set("auth", await readSessionToken(c.get("deps"), bearer(c)));
  await next();
});
