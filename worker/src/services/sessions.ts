import type { Session } from "@clw/shared";
import { runBatch } from "../db/client.js";
import type { UsersTable } from "../db/schema.js";
import { findLiveSession, insertSessionQuery, revokeSessionQuery } from "../db/sessions.js";
import { AppError } from "../errors.js";
import { auditQuery } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { randomToken } from "./random.js";
import { toApiUser } from "./users.js";
import { mintSessionToken, verifySessionToken } from "./tokens.js";

/**
 * Who is acting. `sessionId` is the API session; it is null when the owner acts in Telegram,
 * where the verified webhook and their Telegram account are the proof of presence.
 */
export interface AuthContext {
  userId: string;
  sessionId: string | null;
}

/** Opens a session for the user and signs its token. */
export async function openSession(deps: Deps, user: UsersTable, source: Source, challengeId: string | null): Promise<Session> {
  const { db } = deps.dbh;
  const now = deps.now();
  const ttl = deps.config.sessionTtlSeconds;
  const sessionId = randomToken(16);
  await runBatch(deps.dbh, [
    insertSessionQuery(db, {
      id: sessionId,
      user_id: user.id,
      challenge_id: challengeId,
      created_at: new Date(now).toISOString(),
      expires_ms: now + ttl * 1000,
      revoked_at: null,
    }),
    auditQuery(db, { action: "session.create", userId: user.id, source, metadata: { session: sessionId.slice(0, 8) } }, now),
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
  return { userId: claims.sub, sessionId: claims.jti };
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
