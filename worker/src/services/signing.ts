import { digestHash, type Payment, type PendingIntent, type Policy, type SignIntent } from "@clw/shared";
import { runBatch } from "../db/client.js";
import { findPolicy, toPolicy } from "../db/policies.js";
import type { SignIntentsTable } from "../db/schema.js";
import { insertReservedIntentQuery } from "../db/sign-intents.js";
import { findIdentityForSession } from "../db/identities.js";
import { findUserById } from "../db/users.js";
import { AppError } from "../errors.js";
import { auditIfExistsQuery, logAudit, type AuditInput } from "./audit.js";
import { createPendingIntent } from "./approvals.js";
import { dailyLimitDenied, evaluatePolicy, precheckDailyLimit } from "./policies.js";
import type { Deps, Source } from "./deps.js";
import { checkOwnership, getOwnedIdentity } from "./identities.js";
import { randomToken } from "./random.js";
import { assertLiveSession, type AuthContext } from "./sessions.js";
import { signBatchItems, type BatchItem } from "./signatures.js";
import { mintTicket } from "./tokens.js";

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
 * Signs up to 100 digests at once, each with its own single-use ticket minted here (the policy
 * must let the identity sign without the owner).
 */
export async function signBatch(deps: Deps, auth: AuthContext, identityId: string, digests: string[], source: Source): Promise<string[]> {
  const [, policy] = await Promise.all([getOwnedIdentity(deps, auth.userId, identityId), findPolicy(deps.dbh.db, identityId)]);
  if (policy.require_approval) {
    throw new AppError(403, "approval_required", "this identity requires the owner's approval: ask with sign-intent, one digest at a time");
  }
  const now = deps.now();
  const ttl = deps.config.ticketTtlSeconds;
  const items: BatchItem[] = await Promise.all(
    digests.map(async (digest) => {
      const nonce = randomToken(16);
      const dgh = digestHash(digest);
      const ticket = await mintTicket({ sub: auth.userId, iid: identityId, dgh, scope: "sign", jti: nonce }, deps.config.ticketSecret, ttl, now);
      return { digest, ticket, nonce, digestHash: dgh, expiresMs: now + ttl * 1000 };
    }),
  );
  return signBatchItems(deps, auth, identityId, items, source);
}
