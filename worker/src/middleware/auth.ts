import { createMiddleware } from "hono/factory";
import { unauthorized } from "../errors.js";
import { admit } from "../services/rate-limit.js";
import { authenticate, readSessionToken } from "../services/sessions.js";
import type { AppContext, AppEnv } from "./context.js";

function bearer(c: AppContext): string {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (!match) throw unauthorized();
  return match[1]!;
}

const userLimit = (c: AppContext, userId: string) => [{ key: `user:${userId}`, limit: c.get("deps").config.rateLimit.perUser }];

/**
 * Requires `Authorization: Bearer <session token>` of a live session; sets `auth`. The request
 * counts against the user's rate limit only once the session is known to be live, so a revoked
 * token cannot use up its owner's allowance.
 */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const auth = await authenticate(c.get("deps"), bearer(c));
  await admit(c.get("deps"), userLimit(c, auth.userId));
  c.set("auth", auth);
  await next();
});

/**
 * Like `requireSession`, but leaves the revocation check to the route's service, which folds
 * it into its own D1 query (one round trip instead of two on the signing path). The request is
 * counted at once and the count taken back when the session turns out to have ended.
 */
export const requireSessionToken = createMiddleware<AppEnv>(async (c, next) => {
  const auth = await readSessionToken(c.get("deps"), bearer(c));
  const refund = await admit(c.get("deps"), userLimit(c, auth.userId));
  c.set("auth", auth);
  await next();
  if (c.res.status === 401) refund();
});
