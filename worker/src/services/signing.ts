import { batchHash, digestHash, type Payment, type PendingIntent, type SignIntent, type TransactionSummary } from "@clw/shared";
import { toPolicy } from "../db/policies.js";
import { findIdentityForSession } from "../db/identities.js";
import { AppError } from "../errors.js";
import { createPendingIntent, recordAllowedIntent, type IntentSubject } from "./intent-records.js";
import type { Deps, Source } from "./deps.js";
import { requesterName, requirePermission } from "./agents.js";
import { checkOwnership } from "./identities.js";
import { evaluateDigest, evaluateRequest } from "./policy-rules.js";
import { policyDenied, precheckDailyLimit } from "./policies.js";
import { analyzeForPolicy } from "./psbt.js";
import { randomToken } from "./random.js";
import { assertLiveSession, type AuthContext } from "./sessions.js";
import { signBatchWithTicket } from "./signatures.js";
import { mintTicket } from "./tokens.js";

/** What is asked to be signed: a raw digest (maybe with a declared payment), or a PSBT. */
export type SignSubject = { kind: "digest"; digest: string; payment?: Payment } | { kind: "psbt"; psbt: string };

export interface IntentRequest {
  subject: SignSubject;
  /** Who asked, for the owner's approval message (default: the session or agent key asking). */
  requestedBy?: string | null;
  /** The owner asks themselves, confirming in Telegram: that is the approval. */
  ownerPresent?: boolean;
}

export type IntentOutcome = { status: "ticket"; intent: SignIntent } | { status: "pending_approval"; pending: PendingIntent };

/**
 * Applies the identity's policy to what is really asked: a PSBT is decoded and checked on its
 * real outputs; a raw digest only by `raw_digests` and the owner. Then either issues a single-use
 * ticket bound to this identity, owner and exactly this digest or transaction, or records a
 * request that waits for the owner's approval. The session's liveness, the identity and its
 * policy are read in one D1 round trip; a request the policy allows that has an amount to count
 * (a declared payment, a transaction) adds one batch, which reserves it against the daily limit
 * atomically.
 * @throws AppError 401 ended session, 404/403/409 for the identity, 403 `policy_denied`,
 *   400 `invalid_psbt`.
 */
export async function createSignIntent(deps: Deps, auth: AuthContext, identityId: string, request: IntentRequest, source: Source): Promise<IntentOutcome> {
  requirePermission(deps, auth, "sign", identityId);
  const now = deps.now();
  const row = await findIdentityForSession(deps.dbh.db, identityId, auth.sessionId, now);
  if (!row || !row.session_live) await assertLiveSession(deps, auth);
  const identity = checkOwnership(row, auth.userId);
  const policy = toPolicy(row);
  const ownerPresent = request.ownerPresent ?? false;
  const subject = prepareSubject(deps, identity.public_key, policy.allow_unsafe_sighash, request.subject);
  const verdict = evaluateRequest(policy, subject.transaction, subject.payment, ownerPresent);
  if (verdict.kind === "deny") throw policyDenied(verdict.reason);
  const requestedBy = request.requestedBy ?? requesterName(auth);
  const agentKeyId = auth.agent?.id ?? null;
  if (verdict.kind === "approval") {
    await precheckDailyLimit(deps, identityId, policy, subject.amountSats);
    if (row!.owner_telegram_id === null) throw new AppError(401, "unauthorized", "the session's user no longer exists");
    return { status: "pending_approval", pending: await createPendingIntent(deps, { identityId, userId: auth.userId, ownerTelegramId: row!.owner_telegram_id, subject, requestedBy, agentKeyId }, source) };
  }
  const intentId = crypto.randomUUID();
  const nonce = randomToken(16);
  const ttl = deps.config.ticketTtlSeconds;
  const recorded = verdict.reserveSats !== null || subject.kind === "psbt";
  if (recorded) await recordAllowedIntent(deps, { intentId, nonce, identityId, userId: auth.userId, subject, requestedBy, agentKeyId, policy, nowMs: now }, source);
  const claims = {
    sub: auth.userId,
    iid: identityId,
    dgh: subject.digestHash,
    scope: "sign" as const,
    jti: nonce,
    ...(recorded ? { int: intentId } : {}),
    ...(subject.kind === "psbt" ? { knd: "psbt" as const, pk: identity.public_key, ...(subject.unsafeSighash ? { uns: true } : {}) } : {}),
  };
  const ticket = await mintTicket(claims, deps.config.ticketSecret, ttl, now);
  const expiresAt = new Date((Math.floor(now / 1000) + ttl) * 1000).toISOString();
  const intent: SignIntent = { id: intentId, identity_id: identityId, digest_hash: subject.digestHash, nonce, scope: "sign", expires_at: expiresAt, ticket, ...(subject.transaction ? { transaction: subject.transaction } : {}) };
  const record = { id: intentId, identity_id: identityId, user_id: auth.userId, digest_hash: subject.digestHash, expires_at: expiresAt };
  deps.defer(deps.kvTickets.put(`ticket:${nonce}`, JSON.stringify(record), { expirationTtl: Math.max(60, ttl) }));
  return { status: "ticket", intent };
}

/**
 * The request in the form the policy, the ticket and the records need: for a PSBT, the decoded
 * transaction and its binding (what the ticket is bound to, stored where a digest would be).
 */
function prepareSubject(deps: Deps, publicKey: string, allowUnsafeSighash: boolean, subject: SignSubject): IntentSubject {
  if (subject.kind === "digest") {
    const payment = subject.payment ?? null;
    return { kind: "digest", digest: subject.digest, digestHash: digestHash(subject.digest), payment, transaction: null, psbt: null, amountSats: payment?.amount_sats ?? null, unsafeSighash: false };
  }
  const analysis = analyzeForPolicy(subject.psbt, publicKey, deps.config.bitcoinNetwork, allowUnsafeSighash);
  const transaction: TransactionSummary = analysis.summary;
  const unsafeSighash = analysis.jobs.some((job) => job.sighashType !== 0 && job.sighashType !== 1);
  return { kind: "psbt", digest: analysis.binding, digestHash: digestHash(analysis.binding), payment: null, transaction, psbt: subject.psbt, amountSats: transaction.spend_sats, unsafeSighash };
}

/**
 * Signs up to 100 digests at once with one single-use ticket minted here, bound to exactly these
 * digests in this order (the policy must let the identity sign raw digests without the owner).
 * @throws AppError 403 `approval_required` / `policy_denied` when it does not.
 */
export async function signBatch(deps: Deps, auth: AuthContext, identityId: string, digests: string[], source: Source): Promise<string[]> {
  requirePermission(deps, auth, "sign", identityId);
  const now = deps.now();
  const row = await findIdentityForSession(deps.dbh.db, identityId, null, now);
  checkOwnership(row, auth.userId);
  const verdict = evaluateDigest(toPolicy(row), undefined, false);
  if (verdict.kind === "deny") throw policyDenied(verdict.reason);
  if (verdict.kind === "approval") {
    throw new AppError(403, "approval_required", "this identity needs the owner's approval for raw digests: ask with sign-intent, one at a time, or send a PSBT");
  }
  const ttl = deps.config.ticketTtlSeconds;
  const nonce = randomToken(16);
  const ticket = await mintTicket({ sub: auth.userId, iid: identityId, dgh: batchHash(digests), scope: "sign", jti: nonce, knd: "batch" }, deps.config.ticketSecret, ttl, now);
  return signBatchWithTicket(deps, auth, identityId, { digests, ticket, nonce, expiresMs: now + ttl * 1000 }, source);
}
