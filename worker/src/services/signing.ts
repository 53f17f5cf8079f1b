import { digestHash, type Payment, type PendingIntent, type Policy, type SignIntent } from "@clw/shared";
import { runBatch } from "../db/client.js";
import { findPolicy, toPolicy } from "../db/policies.js";
import type { SignIntentsTable } from "../db/schema.js";
import { insertReservedIntentQuery } from "../db/sign-intents.js";
import { findIdentity, findIdentityForSession } from "../db/identities.js";
import { consumeTickets, isTicketUsed, releaseTickets, type TicketUse } from "../db/ticket-uses.js";
import { findUserById } from "../db/users.js";
import { AppError } from "../errors.js";
import { SignerError } from "../signer-client.js";
import { auditIfExistsQuery, auditQuery, logAudit, recordAudit, type AuditInput } from "./audit.js";
import { createPendingIntent } from "./approvals.js";
import { dailyLimitDenied, evaluatePolicy, precheckDailyLimit } from "./policies.js";
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

export interface IntentRequest {
  digest: string;
  payment?: Payment;
  /** Who asked, for the owner's approval message (e.g. the API session and its client). */
  requestedBy?: string | null;
  /** The owner asks themselves, confirming in Telegram: that is the approval. */
  ownerPresent?: boolean;
}

export type IntentOutcome = { status: "ticket"; intent: SignIntent } | { status: "pending_approval"; pending: PendingIntent };

/**
 * Applies the identity's policy, then either issues a single-use ticket bound to this identity,
 * owner and digest, or records a request that waits for the owner's approval. The session's
 * liveness, the identity's ownership and its policy are read in one D1 round trip; a payment
 * allowed outright adds one more, which reserves its amount against the daily limit atomically.
 * @throws AppError 401 for an ended session, 404/403/409 for the identity, 403 `policy_denied`.
 */
export async function createSignIntent(deps: Deps, auth: AuthContext, identityId: string, request: IntentRequest, source: Source): Promise<IntentOutcome> {
  const now = deps.now();
  const row = await findIdentityForSession(deps.dbh.db, identityId, auth.sessionId, now);
  if (!row || !row.session_live) await assertLiveSession(deps, auth);
  checkOwnership(row, auth.userId);
  const policy = toPolicy(row);
  const verdict = evaluatePolicy(policy, request.payment, request.ownerPresent ?? false);
  const hash = digestHash(request.digest);
  if (verdict.kind === "approval") {
    await precheckDailyLimit(deps, identityId, policy, request.payment);
    const owner = await findUserById(deps.dbh.db, auth.userId);
    if (!owner) throw new AppError(401, "unauthorized", "the session's user no longer exists");
    const pending = await createPendingIntent(
      deps,
      { identityId, userId: auth.userId, ownerTelegramId: owner.telegram_user_id, digest: request.digest, digestHash: hash, payment: request.payment, requestedBy: request.requestedBy ?? null },
      source,
    );
    return { status: "pending_approval", pending };
  }
  const intentId = crypto.randomUUID();
  const nonce = randomToken(16);
  const ttl = deps.config.ticketTtlSeconds;
  if (verdict.reserve) await reserveByPolicy(deps, { auth, identityId, intentId, nonce, hash, request, source, nowMs: now, policy });
  const claims = { sub: auth.userId, iid: identityId, dgh: hash, scope: "sign" as const, jti: nonce, ...(verdict.reserve ? { int: intentId } : {}) };
  const ticket = await mintTicket(claims, deps.config.ticketSecret, ttl, now);
  const expiresAt = new Date((Math.floor(now / 1000) + ttl) * 1000).toISOString();
  const intent: SignIntent = { id: intentId, identity_id: identityId, digest_hash: hash, nonce, scope: "sign", expires_at: expiresAt, ticket };
  const record = { id: intentId, identity_id: identityId, user_id: auth.userId, digest_hash: hash, expires_at: expiresAt };
  deps.defer(deps.kvTickets.put(`ticket:${nonce}`, JSON.stringify(record), { expirationTtl: Math.max(60, ttl) }));
  return { status: "ticket", intent };
}

interface Reservation {
  auth: AuthContext;
  identityId: string;
  intentId: string;
  nonce: string;
  hash: string;
  request: IntentRequest;
  source: Source;
  nowMs: number;
  policy: Policy;
}

/**
 * Records a payment the policy allows (auto-approved), reserving its amount only if it fits the
 * daily limit, with its audit events, in one D1 batch.
 * @throws AppError 403 `policy_denied` when the limit would be exceeded.
 */
async function reserveByPolicy(deps: Deps, r: Reservation): Promise<void> {
  const payment = r.request.payment!;
  const at = new Date(r.nowMs).toISOString();
  const row: SignIntentsTable = {
    id: r.intentId, identity_id: r.identityId, user_id: r.auth.userId, digest: r.request.digest, digest_hash: r.hash, status: "approved",
    amount_sats: payment.amount_sats, destination: payment.destination, memo: payment.memo ?? null, requested_by: r.request.requestedBy ?? null,
    created_at: at, expires_ms: r.nowMs + deps.config.ticketTtlSeconds * 1000, decided_at: at, decided_via: "policy", approved_ms: r.nowMs,
    ticket_nonce: r.nonce, ticket_expires_ms: r.nowMs + deps.config.ticketTtlSeconds * 1000, telegram_chat_id: null, telegram_message_id: null,
  };
  const metadata = { intent: r.intentId, ...payment, via: "policy" };
  const events: AuditInput[] = [
    { action: "intent.create", userId: r.auth.userId, identityId: r.identityId, source: r.source, metadata },
    { action: "intent.approve", userId: r.auth.userId, identityId: r.identityId, source: "system", metadata },
  ];
  const [reserved] = await runBatch(deps.dbh, [insertReservedIntentQuery(row, r.nowMs), ...events.map((e) => auditIfExistsQuery(e, r.nowMs, r.intentId))]);
  if (!reserved?.length) throw dailyLimitDenied(r.policy.daily_limit_sats);
  for (const event of events) logAudit(event, r.nowMs);
}

/**
 * Signs one digest with a ticket: checks the ticket, consumes it atomically in D1 (in the same
 * statement that checks the session and the identity), then asks the enclave, which checks the
 * ticket again. A ticket signs once.
 * @throws AppError 401/403/409/410 for ticket problems, 404/409 for the identity, 502/503 for the enclave.
 */
export async function signWithTicket(deps: Deps, auth: AuthContext, identityId: string, digest: string, ticket: string, source: Source): Promise<string> {
  const claims = await verifyTicket(ticket, deps.config.ticketSecret, deps.config.previousTicketSecret);
  const hash = digestHash(digest);
  if (claims.iid !== identityId || claims.dgh !== hash || claims.sub !== auth.userId) {
    throw new AppError(403, "ticket_mismatch", "this ticket was issued for another identity, owner or digest");
  }
  const countSignature = await checkRateLimits(deps, [signLimit(deps, identityId)]);
  const now = deps.now();
  const use: TicketUse = { ...auth, nonce: claims.jti, identityId, usedAt: new Date(now).toISOString(), nowMs: now, expiresMs: claims.exp * 1000 };
  const consumed = await consumeTickets(deps.dbh, [use], claims.int);
  if (consumed.length === 0) await explainRefusal(deps, auth, identityId, claims.jti);
  const signature = await withKeyRestore(deps, { userId: auth.userId, identityId, nonces: [claims.jti] }, () => deps.signer.sign(identityId, digest, ticket));
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
  const [countSignatures, , policy] = await Promise.all([
    checkRateLimits(deps, [signLimit(deps, identityId, digests.length)]),
    getOwnedIdentity(deps, auth.userId, identityId),
    findPolicy(deps.dbh.db, identityId),
  ]);
  if (policy.require_approval) {
    throw new AppError(403, "approval_required", "this identity requires the owner's approval: ask with sign-intent, one digest at a time");
  }
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
  const consumed = await consumeTickets(deps.dbh, uses);
  if (consumed.length !== items.length) {
    await releaseTickets(deps.dbh.db, consumed);
    await explainRefusal(deps, auth, identityId, "");
  }
  const nonces = items.map((item) => item.nonce);
  const pairs = items.map(({ digest, ticket }) => ({ digest, ticket }));
  const signatures = await withKeyRestore(deps, { userId: auth.userId, identityId, nonces }, () => deps.signer.signBatch(identityId, pairs));
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
interface SignFailure {
  userId: string;
  identityId: string;
  nonces: string[];
}

async function withKeyRestore<T>(deps: Deps, failure: SignFailure, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SignerError && error.code === "key_not_found") {
      const identity = await findIdentity(deps.dbh.db, failure.identityId);
      if (!identity || identity.status !== "active") throw error;
      await restoreIdentity(deps, identity, "system", "key_not_found");
      return await call().catch(async (retryError: unknown) => releaseOnOutage(deps, failure, retryError));
    }
    return releaseOnOutage(deps, failure, error);
  }
}

async function releaseOnOutage(deps: Deps, failure: SignFailure, error: unknown): Promise<never> {
  if (error instanceof SignerError && (error.code === "enclave_unavailable" || error.code === "enclave_error")) {
    await releaseTickets(deps.dbh.db, failure.nonces).catch(() => undefined);
    const event: AuditInput = { action: "identity.sign_failed", userId: failure.userId, identityId: failure.identityId, source: "system", metadata: { reason: error.code } };
    deps.defer(recordAudit(deps, event));
  }
  throw error;
}
