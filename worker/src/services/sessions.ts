import type { AgentPermission, Session, SessionInfo } from "@clw/shared";
import { runBatch } from "../db/client.js";
import type { SessionVia, UsersTable } from "../db/schema.js";
import { findLiveSession, insertSessionQuery, listLiveSessions, revokeAllSessionsQuery, revokeSessionQuery } from "../db/sessions.js";
import { AppError } from "../errors.js";
import { auditQuery } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { randomToken } from "./random.js";
import { toApiUser } from "./users.js";
import { mintSessionToken, verifySessionToken } from "./tokens.js";

/** An agent key's scope: the identities it may use (null: all of its owner's) and what it may do. */
export interface AgentScope {
  id: string;
  name: string;
  identityIds: string[] | null;
  permissions: AgentPermission[];
}

/**
 * Who is acting, and what they may do: the owner through an API session (`sessionId`), the owner
 * in Telegram (both null: the verified webhook and their account are the proof of presence), or
 * an agent through its own key (`agent`), limited to its identities and permissions.
 */
export interface AuthContext {
  userId: string;
  sessionId: string | null;
  agent: AgentScope | null;
}

/** Where a session comes from: the challenge it was exchanged for, how, and the requester's label. */
export interface SessionOrigin {
  challengeId: string | null;
  via: SessionVia;
  clientLabel: string | null;
}

/** Opens a session for the user and signs its token. */
export async function openSession(deps: Deps, user: UsersTable, source: Source, origin: SessionOrigin): Promise<Session> {
  const { db } = deps.dbh;
  const now = deps.now();
  const ttl = deps.config.sessionTtlSeconds;
  const sessionId = randomToken(16);
  await runBatch(deps.dbh, [
    insertSessionQuery(db, {
      id: sessionId,
      user_id: user.id,
      challenge_id: origin.challengeId,
      created_at: new Date(now).toISOString(),
      expires_ms: now + ttl * 1000,
      revoked_at: null,
      via: origin.via,
      client_label: origin.clientLabel,
    }),
    auditQuery(db, { action: "session.create", userId: user.id, source, metadata: { session: sessionId.slice(0, 8), via: origin.via } }, now),
  ]);
  const token = await mintSessionToken({ sub: user.id, jti: sessionId }, deps.config.sessionSecret, ttl, now);
  return { token, expires_in: ttl, user: toApiUser(user) };
}

/**
 * Checks a bearer token's signature and expiry. It does not look at revocation: callers either
 * call `authenticate`, or fold `auth.sessionId` into their own D1 query (see `assertLiveSession`
 * for the slow path).
 * @throws AppError 401 `unauthorized` for an invalid or expired token.
 */
export async function readSessionToken(deps: Deps, token: string): Promise<AuthContext> {
  const claims = await verifySessionToken(token, deps.config.sessionSecret, deps.config.previousSessionSecret);
  return { userId: claims.sub, sessionId: claims.jti, agent: null };
}

/** @throws AppError 401 `unauthorized` unless the session is live (not revoked, not expired). */
export async function assertLiveSession(deps: Deps, auth: AuthContext): Promise<void> {
  if (auth.sessionId === null) return;
  const session = await findLiveSession(deps.dbh.db, auth.sessionId, deps.now());
  if (!session || session.user_id !== auth.userId) {
    throw new AppError(401, "unauthorized", "the session has ended; sign in again");
  }
}

/**
 * Resolves a bearer token to its live session.
 * @throws AppError 401 `unauthorized` for a missing, invalid, expired or revoked session.
 */
export async function authenticate(deps: Deps, token: string): Promise<AuthContext> {
  const auth = await readSessionToken(deps, token);
  await assertLiveSession(deps, auth);
  return auth;
}

/** Revokes the session so its token stops working everywhere. */
export async function revokeSession(deps: Deps, auth: AuthContext, source: Source): Promise<void> {
  const { db } = deps.dbh;
  if (auth.sessionId === null) return;
  const now = deps.now();
  await runBatch(deps.dbh, [
    revokeSessionQuery(db, auth.sessionId, new Date(now).toISOString()),
    auditQuery(db, { action: "session.revoke", userId: auth.userId, source, metadata: { session: auth.sessionId.slice(0, 8) } }, now),
  ]);
}

/** The user's live sessions (ids shortened, as the audit trail names them), the caller's marked. */
export async function listSessions(deps: Deps, userId: string, currentSessionId: string | null): Promise<SessionInfo[]> {
  const rows = await listLiveSessions(deps.dbh.db, userId, deps.now());
  return rows.map((row) => ({
    id: row.id.slice(0, 8),
    via: row.via,
    client_label: row.client_label,
    created_at: row.created_at,
    expires_at: new Date(row.expires_ms).toISOString(),
    current: row.id === currentSessionId,
  }));
}

/** Signs the user out everywhere: every live session is revoked at once (tightening needs no presence). */
export async function revokeAllSessions(deps: Deps, userId: string, source: Source): Promise<number> {
  const { db } = deps.dbh;
  const now = deps.now();
  const at = new Date(now).toISOString();
  const [revoked] = await runBatch(deps.dbh, [
    revokeAllSessionsQuery(db, userId, at),
    auditQuery(db, { action: "session.revoke", userId, source, metadata: { all: true } }, now),
  ]);
  return revoked?.length ?? 0;
}
