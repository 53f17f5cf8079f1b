import { digestHash, type SignIntent } from "@clw/shared";
import { findIdentity, findIdentityForSession } from "../db/identities.js";
import { consumeTickets, isTicketUsed, releaseTickets, type TicketUse } from "../db/ticket-uses.js";
import { AppError } from "../errors.js";
import { SignerError } from "../signer-client.js";
import { auditQuery } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { checkOwnership, getOwnedIdentity, restoreIdentity } from "./identities.js";
import { checkRateLimits } from "./rate-limit.js";
import { randomToken } from "./random.js";
import { assertLiveSession, type AuthContext } from "./sessions.js";
import { mintTicket, verifyTicket } from "./tokens.js";

const signLimit = (deps: Deps, identityId: string, cost = 1) => ({
  key: `sign:${identityId}`,
  limit: deps.config.rateLimit.perIdentitySign,
  cost,
});

/**
 * Issues a single-use ticket bound to this identity, owner and digest. The session's liveness
 * and the identity's ownership are read in one D1 round trip.
 * @throws AppError 401 for an ended session, 404/403/409 for the identity.
 */
export async function createSignIntent(deps: Deps, auth: AuthContext, identityId: string, digest: string): Promise<SignIntent> {
  const now = deps.now();
  const identity = await findIdentityForSession(deps.dbh.db, identityId, auth.sessionId, now);
  if (!identity || !identity.session_live) await assertLiveSession(deps, auth);
  checkOwnership(identity, auth.userId);
  const ttl = deps.config.ticketTtlSeconds;
  const nonce = randomToken(16);
  const hash = digestHash(digest);
  const ticket = await mintTicket({ sub: auth.userId, iid: identityId, dgh: hash, scope: "sign", jti: nonce }, deps.config.ticketSecret, ttl, now);
  const expiresAt = new Date((Math.floor(now / 1000) + ttl) * 1000).toISOString();
  const intent: SignIntent = { id: crypto.randomUUID(), identity_id: identityId, digest_hash: hash, nonce, scope: "sign", expires_at: expiresAt, ticket };
  const record = { id: intent.id, identity_id: identityId, user_id: auth.userId, digest_hash: hash, expires_at: expiresAt };
  deps.defer(deps.kvTickets.put(`ticket:${nonce}`, JSON.stringify(record), { expirationTtl: Math.max(60, ttl) }));
  return intent;
}

/**
 * Signs one digest with a ticket: checks the ticket, consumes it atomically in D1 (in the same
 * statement that checks the session and the identity), then asks the enclave, which checks the
 * ticket again. A ticket signs once.
 * @throws AppError 401/403/409/410 for ticket problems, 404/409 for the identity, 502/503 for the enclave.
 */
export async function signWithTicket(deps: Deps, auth: AuthContext, identityId: string, digest: string, ticket: string, source: Source): Promise<string> {
  const claims = await verifyTicket(ticket, deps.config.ticketSecret);
  const hash = digestHash(digest);
  if (claims.iid !== identityId || claims.dgh !== hash || claims.sub !== auth.userId) {
    throw new AppError(403, "ticket_mismatch", "this ticket was issued for another identity, owner or digest");
  }
  const countSignature = await checkRateLimits(deps, [signLimit(deps, identityId)]);
  const now = deps.now();
  const use: TicketUse = { ...auth, nonce: claims.jti, identityId, usedAt: new Date(now).toISOString(), nowMs: now, expiresMs: claims.exp * 1000 };
  const consumed = await consumeTickets(deps.dbh.db, [use]);
  if (consumed.length === 0) await explainRefusal(deps, auth, identityId, claims.jti);
  const signature = await withKeyRestore(deps, identityId, [claims.jti], () => deps.signer.sign(identityId, digest, ticket));
  countSignature();
  await auditQuery(deps.dbh.db, { action: "identity.sign", userId: auth.userId, identityId, source, metadata: { digest_hash: hash, nonce: claims.jti } }, now).execute();
  return signature;
}

/** Why a ticket could not be consumed: ended session, identity, or replay. Always throws. */
async function explainRefusal(deps: Deps, auth: AuthContext, identityId: string, nonce: string): Promise<never> {
  await assertLiveSession(deps, auth);
  await getOwnedIdentity(deps, auth.userId, identityId);
  if (await isTicketUsed(deps.dbh.db, nonce)) throw new AppError(409, "ticket_replayed", "this ticket has already been used");
  throw new AppError(409, "identity_not_active", "this identity cannot sign");
}

/** Signs up to 100 digests at once, each with its own single-use ticket minted here. */
export async function signBatch(deps: Deps, auth: AuthContext, identityId: string, digests: string[], source: Source): Promise<string[]> {
  const [countSignatures] = await Promise.all([
    checkRateLimits(deps, [signLimit(deps, identityId, digests.length)]),
    getOwnedIdentity(deps, auth.userId, identityId),
  ]);
  const now = deps.now();
  const ttl = deps.config.ticketTtlSeconds;
  const items = await Promise.all(
    digests.map(async (digest) => {
      const nonce = randomToken(16);
      const dgh = digestHash(digest);
      const ticket = await mintTicket({ sub: auth.userId, iid: identityId, dgh, scope: "sign", jti: nonce }, deps.config.ticketSecret, ttl, now);
      return { digest, ticket, nonce, dgh };
    }),
  );
  const usedAt = new Date(now).toISOString();
  const uses = items.map((item) => ({ ...auth, nonce: item.nonce, identityId, usedAt, nowMs: now, expiresMs: now + ttl * 1000 }));
  const consumed = await consumeTickets(deps.dbh.db, uses);
  if (consumed.length !== items.length) {
    await releaseTickets(deps.dbh.db, consumed);
    await explainRefusal(deps, auth, identityId, "");
  }
  const nonces = items.map((item) => item.nonce);
  const pairs = items.map(({ digest, ticket }) => ({ digest, ticket }));
  const signatures = await withKeyRestore(deps, identityId, nonces, () => deps.signer.signBatch(identityId, pairs));
  countSignatures();
  const metadata = { count: items.length, digest_hashes: items.map((item) => item.dgh) };
  await auditQuery(deps.dbh.db, { action: "identity.sign", userId: auth.userId, identityId, source, metadata }, now).execute();
  return signatures;
}

/**
 * Runs a signer call; if the enclave no longer holds the key (e.g. after a restart) restores it
 * from the sealed backup and retries once. When the signer cannot be reached, the consumed
 * nonces are released so the caller's ticket is not lost.
 */
async function withKeyRestore<T>(deps: Deps, identityId: string, nonces: string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SignerError && error.code === "key_not_found") {
      const identity = await findIdentity(deps.dbh.db, identityId);
      if (!identity || identity.status !== "active") throw error;
      await restoreIdentity(deps, identity, "system", "key_not_found");
      return await call().catch(async (retryError: unknown) => releaseOnOutage(deps, nonces, retryError));
    }
    return releaseOnOutage(deps, nonces, error);
  }
}

async function releaseOnOutage(deps: Deps, nonces: string[], error: unknown): Promise<never> {
  if (error instanceof SignerError && (error.code === "enclave_unavailable" || error.code === "enclave_error")) {
    await releaseTickets(deps.dbh.db, nonces).catch(() => undefined);
  }
  throw error;
}
