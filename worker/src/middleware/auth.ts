import { createMiddleware } from "hono/factory";
import { unauthorized } from "../errors.js";
import { admit } from "../services/rate-limit.js";
import { proveMiniAppPresence, type Presence } from "../services/presence.js";
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

/** Who asked, as the owner's Telegram prompts and the audit trail name the requester. */
export function requestedBy(c: AppContext): string | null {
  const { sessionId } = c.get("auth");
  return sessionId ? `API session ${sessionId.slice(0, 8)}` : null;
}

/** The header in which the Mini App sends fresh init data to prove the owner is present. */
export const INIT_DATA_HEADER = "x-telegram-init-data";

/**
 * The owner's presence for a change that needs it: `miniapp` when the request carries init data
 * that proves it (see `proveMiniAppPresence`), otherwise `none`.
 * @throws AppError when init data is sent but proves nothing (stale, used, another account, not a Mini App session).
 */
export async function ownerPresence(c: AppContext): Promise<Presence> {
  const initData = c.req.header(INIT_DATA_HEADER);
  if (!initData) return "none";
  await proveMiniAppPresence(c.get("deps"), c.get("auth"), initData, { kind: "action" });
  return "miniapp";
}
