import { confirmationCode, type Challenge, type Session, type User } from "@clw/shared";
import { consumeApprovedChallenge, findChallenge, insertChallenge } from "../db/challenges.js";
import { runBatch } from "../db/client.js";
import { findLiveSession, insertSessionQuery, revokeSessionQuery } from "../db/sessions.js";
import { findUserByTelegramId, insertUserIfAbsent } from "../db/users.js";
import { AppError } from "../errors.js";
import { auditQuery } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { randomToken } from "./random.js";
import { enforceRateLimits } from "./rate-limit.js";
import { mintSessionToken, verifySessionToken } from "./tokens.js";

/**
 * Who is acting. `sessionId` is the API session; it is null when the owner acts in Telegram,
 * where the verified webhook and their Telegram account are the proof of presence.
 */
export interface AuthContext {
  userId: string;
  sessionId: string | null;
}

export interface ChallengeInput {
  telegramUserId?: number;
  clientLabel?: string;
}

/**
 * Starts a sign-in. In test mode a challenge that names a Telegram user is approved at once;
 * otherwise it waits for the owner to approve it in Telegram through the deep link.
 * @throws AppError 503 `misconfigured` when neither Telegram nor test mode is configured.
 */
export async function createChallenge(deps: Deps, input: ChallengeInput): Promise<Challenge> {
  const { config } = deps;
  const { botToken, botUsername } = config.telegram;
  if (!config.testMode && (!botToken || !botUsername)) {
    throw new AppError(503, "misconfigured", "sign-in is not configured: set TELEGRAM_BOT_TOKEN and TELEGRAM_BOT_USERNAME");
  }
  const now = deps.now();
  const id = crypto.randomUUID();
  const code = randomToken(16);
  const expiresMs = now + config.challengeTtlSeconds * 1000;
  const autoApprove = config.testMode && input.telegramUserId !== undefined;
  await insertChallenge(deps.dbh.db, {
    id,
    code,
    status: autoApprove ? "approved" : "pending",
    telegram_user_id: input.telegramUserId ?? null,
    client_label: input.clientLabel ?? null,
    created_at: new Date(now).toISOString(),
    expires_ms: expiresMs,
  });
  const deepLink = config.testMode ? null : `https://t.me/${botUsername}?start=${code}`;
  return { challenge_id: id, expires_at: new Date(expiresMs).toISOString(), deep_link: deepLink, confirmation_code: confirmationCode(code) };
}

export type VerifyOutcome = { status: "pending"; expires_at: string } | ({ status: "approved" } & Session);

/**
 * Exchanges an approved challenge for a session, at most once.
 * @throws AppError 404 unknown, expired or already used; 403 `challenge_denied`.
 */
export async function verifyChallenge(deps: Deps, challengeId: string, source: Source): Promise<VerifyOutcome> {
  const now = deps.now();
  const { db } = deps.dbh;
  const challenge = await findChallenge(db, challengeId);
  if (!challenge || challenge.expires_ms <= now || challenge.status === "consumed") {
    throw new AppError(404, "not_found", "unknown, expired or already used challenge");
  }
  if (challenge.status === "denied") throw new AppError(403, "challenge_denied", "the sign-in was denied in Telegram");
  if (challenge.status === "pending") {
    return { status: "pending", expires_at: new Date(challenge.expires_ms).toISOString() };
  }
  const consumed = await consumeApprovedChallenge(db, challengeId, now);
  if (!consumed || consumed.telegram_user_id === null) {
    throw new AppError(404, "not_found", "unknown, expired or already used challenge");
  }
  const user = await ensureUser(deps, consumed.telegram_user_id, source);
  const session = await openSession(deps, user, source, challengeId);
  return { status: "approved", ...session };
}

/** Finds or creates the user for a Telegram account, auditing a creation. */
export async function ensureUser(deps: Deps, telegramUserId: number, source: Source): Promise<User> {
  const cached = deps.usersByTelegramId.get(telegramUserId);
  if (cached) return cached;
  const user = (await findUserByTelegramId(deps.dbh.db, telegramUserId)) ?? (await createUser(deps, telegramUserId, source));
  if (deps.usersByTelegramId.size > 10_000) deps.usersByTelegramId.clear();
  deps.usersByTelegramId.set(telegramUserId, user);
  return user;
}

async function createUser(deps: Deps, telegramUserId: number, source: Source): Promise<User> {
  const { db } = deps.dbh;
  const now = deps.now();
  const inserted = await insertUserIfAbsent(db, { id: crypto.randomUUID(), telegram_user_id: telegramUserId, created_at: new Date(now).toISOString() });
  if (!inserted) {
    // Another request created it a moment ago.
    const existing = await findUserByTelegramId(db, telegramUserId);
    if (!existing) throw new Error("user vanished between insert and read");
    return existing;
  }
  await auditQuery(db, { action: "user.create", userId: inserted.id, source, metadata: { telegram_user_id: telegramUserId } }, now).execute();
  return inserted;
}

/** Opens a session for the user and signs its token. */
export async function openSession(deps: Deps, user: User, source: Source, challengeId: string | null): Promise<Session> {
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
  return { token, expires_in: ttl, user: { id: user.id, telegram_user_id: user.telegram_user_id, created_at: user.created_at } };
}

/**
 * Checks a bearer token's signature and expiry and counts the request against the user's rate
 * limit. It does not look at revocation: callers either call `authenticate`, or fold
 * `auth.sessionId` into their own D1 query (see `assertLiveSession` for the slow path).
 * @throws AppError 401 `unauthorized` for an invalid or expired token; 429 when limited.
 */
export async function readSessionToken(deps: Deps, token: string): Promise<AuthContext> {
  const claims = await verifySessionToken(token, deps.config.sessionSecret, deps.config.previousSessionSecret);
  await enforceRateLimits(deps, [{ key: `user:${claims.sub}`, limit: deps.config.rateLimit.perUser }]);
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
 * @throws AppError 401 `unauthorized` for a missing, invalid, expired or revoked session; 429 when limited.
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
