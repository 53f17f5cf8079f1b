import { AGENT_KEY_PREFIX } from "@clw/shared";
import { createMiddleware } from "hono/factory";
import { unauthorized } from "../errors.js";
import { authenticateAgentKey, requesterName, requirePermission } from "../services/agents.js";
import { proveMiniAppPresence, type Presence } from "../services/presence.js";
import { admit } from "../services/rate-limit.js";
import { authenticate, readSessionToken, type AuthContext } from "../services/sessions.js";
import type { AppContext, AppEnv } from "./context.js";

function bearer(c: AppContext): string {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (!match) throw unauthorized();
  return match[1]!;
}

/** Each credential has its own allowance: an owner's sessions share the user's, each agent key has one. */
const credentialLimit = (c: AppContext, auth: AuthContext) => [
  { key: auth.agent ? `agent:${auth.agent.id}` : `user:${auth.userId}`, limit: c.get("deps").config.rateLimit.perUser },
];

/**
 * Requires `Authorization: Bearer <credential>`: an agent key (`clw_ak_…`, checked in D1 on every
 * request) or the session token of a live session; sets `auth`, the one "who is asking and what
 * may they do" value routes and services check. The request counts against the credential's rate
 * limit only once it is known to be live, so a revoked token cannot use up an allowance.
 */
export const requireCredential = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c);
  const deps = c.get("deps");
  const auth = token.startsWith(AGENT_KEY_PREFIX) ? await authenticateAgentKey(deps, token) : await authenticate(deps, token);
  await admit(deps, credentialLimit(c, auth));
  c.set("auth", auth);
  await next();
});

/**
 * Like `requireCredential`, but for a session leaves the revocation check to the route's service,
 * which folds it into its own D1 query (one round trip instead of two on the signing path). The
 * request is counted at once and the count taken back when the session turns out to have ended.
 */
export const requireCredentialToken = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c);
  const deps = c.get("deps");
  const auth = token.startsWith(AGENT_KEY_PREFIX) ? await authenticateAgentKey(deps, token) : await readSessionToken(deps, token);
  const refund = await admit(deps, credentialLimit(c, auth));
  c.set("auth", auth);
  await next();
  if (c.res.status === 401) refund();
});

/** Requires the owner's live session: an agent key is refused (403) whatever its permissions. */
export const requireOwner = createMiddleware<AppEnv>(async (c, next) => {
  await requireCredential(c, async () => {
    requirePermission(c.get("deps"), c.get("auth"), "owner");
    await next();
  });
});

/** Who asked, as the owner's Telegram prompts and the audit trail name the requester. */
export const requestedBy = (c: AppContext): string | null => requesterName(c.get("auth"));

/** The header in which the Mini App sends fresh init data to prove the owner is present. */
export const INIT_DATA_HEADER = "x-telegram-init-data";

/**
 * A proof of the owner's presence for a change that needs it, checked (and its one use spent)
 * only when called: `miniapp` when the request carries init data that proves it (see
 * `proveMiniAppPresence`), otherwise `none`. The call throws when init data is sent but proves
 * nothing (stale, used, another account, not a Mini App session).
 */
export function ownerPresence(c: AppContext): () => Promise<Presence> {
  const initData = c.req.header(INIT_DATA_HEADER);
  return async () => {
    if (!initData) return "none";
    await proveMiniAppPresence(c.get("deps"), c.get("auth"), initData, { kind: "action" });
    return "miniapp";
  };
}
