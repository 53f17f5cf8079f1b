import type { IntentDecision } from "@clw/bot";
import type { IntentState, Payment, PendingIntent } from "@clw/shared";
import { findPolicy } from "../db/policies.js";
import type { SignIntentsTable } from "../db/schema.js";
import { approveIntent, denyIntent, expireIntent, findIntentWithOwner, insertPendingIntentWithinCap, listIntents, paymentOf } from "../db/sign-intents.js";
import { AppError } from "../errors.js";
import { recordAudit } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { approvalUrl, notifyOwner, showOutcome } from "./notify.js";
import { randomToken } from "./random.js";
import { mintTicket } from "./tokens.js";

export interface NewRequest {
  identityId: string;
  userId: string;
  ownerTelegramId: number;
  digest: string;
  digestHash: string;
  payment: Payment | undefined;
  requestedBy: string | null;
}

/** Records a request that waits for the owner, audits it and tells the owner in Telegram. */
export async function createPendingIntent(deps: Deps, request: NewRequest, source: Source): Promise<PendingIntent> {
  const now = deps.now();
  const row: SignIntentsTable = {
    id: crypto.randomUUID(),
    identity_id: request.identityId,
    user_id: request.userId,
    digest: request.digest,
    digest_hash: request.digestHash,
    status: "pending_approval",
    amount_sats: request.payment?.amount_sats ?? null,
    destination: request.payment?.destination ?? null,
    memo: request.payment?.memo ?? null,
    requested_by: request.requestedBy,
    created_at: new Date(now).toISOString(),
    expires_ms: now + deps.config.approvalTtlSeconds * 1000,
    decided_at: null,
    decided_via: null,
    approved_ms: null,
    ticket_nonce: null,
    ticket_expires_ms: null,
    telegram_chat_id: null,
    telegram_message_id: null,
  };
  const cap = deps.config.caps.pendingRequestsPerUser;
  if (!(await insertPendingIntentWithinCap(deps.dbh.db, row, cap, now))) {
    throw new AppError(429, "limit_reached", `${cap} requests already wait for the owner's decision; try again once they are decided or expired`);
  }
  await recordAudit(deps, { action: "intent.create", userId: request.userId, identityId: request.identityId, source, metadata: { intent: row.id, ...(request.payment ?? {}), requested_by: request.requestedBy } });
  notifyOwner(deps, row, request.ownerTelegramId);
  return { id: row.id, status: "pending_approval", expires_at: new Date(row.expires_ms).toISOString(), approval_url: approvalUrl(deps, row.id) };
}

/**
 * The owner's decision on a pending request, proven by their Telegram account (a callback
 * through the verified webhook, or fresh Mini App init data). Approval reserves the amount
 * atomically against the daily limit and starts the ticket's lifetime.
 */
export async function decideIntent(deps: Deps, intentId: string, telegramUserId: number, approve: boolean, via: "chat" | "miniapp"): Promise<Decision> {
  const intent = await findIntentWithOwner(deps.dbh.db, intentId);
  return intent ? decideLoadedIntent(deps, intent, telegramUserId, approve, via) : { outcome: "gone" };
}

export interface Decision {
  outcome: IntentDecision;
  /** The request as decided, when it was. */
  decided?: SignIntentsTable;
}

type IntentWithOwner = SignIntentsTable & { owner_telegram_id: number };

/** `decideIntent` for a request already read (with its owner's Telegram account). */
export async function decideLoadedIntent(deps: Deps, intent: IntentWithOwner, telegramUserId: number, approve: boolean, via: "chat" | "miniapp"): Promise<Decision> {
  const { db } = deps.dbh;
  if (intent.owner_telegram_id !== telegramUserId) return { outcome: "not_yours" };
  const now = deps.now();
  const at = new Date(now).toISOString();
  let decided: SignIntentsTable | undefined;
  if (approve) {
    const policy = await findPolicy(db, intent.identity_id);
    if (intent.destination && policy.allowed_destinations && !policy.allowed_destinations.includes(intent.destination)) return { outcome: "not_allowed" };
    const ticketExpiresMs = now + deps.config.ticketTtlSeconds * 1000;
    decided = await approveIntent(db, { id: intent.id, via, at, nowMs: now, ticketNonce: randomToken(16), ticketExpiresMs });
    if (!decided && intent.status === "pending_approval" && intent.expires_ms > now) return { outcome: "over_limit" };
  } else {
    decided = await denyIntent(db, intent.id, via, at, now);
  }
  if (!decided) return { outcome: "gone" };
  const outcome = approve ? "approved" : "denied";
  await recordAudit(deps, { action: approve ? "intent.approve" : "intent.deny", userId: intent.user_id, identityId: intent.identity_id, source: via === "chat" ? "telegram" : "miniapp", metadata: { intent: intent.id, via, telegram_user_id: telegramUserId } });
  showOutcome(deps, decided, outcome, via);
  return { outcome, decided };
}

/**
 * Moves a lapsed request (pending past its expiry, or approved with a ticket that lapsed unused,
 * which releases its amount) to `expired`, auditing it once. Returns the expired row, if it was.
 */
export async function expireLapsedIntent(deps: Deps, intent: SignIntentsTable): Promise<SignIntentsTable | undefined> {
  const now = deps.now();
  const lapsed = (intent.status === "pending_approval" && intent.expires_ms <= now) || (intent.status === "approved" && (intent.ticket_expires_ms ?? 0) <= now);
  if (!lapsed) return undefined;
  const expired = await expireIntent(deps.dbh.db, intent.id, now);
  if (!expired) return undefined;
  await recordAudit(deps, { action: "intent.expire", userId: intent.user_id, identityId: intent.identity_id, source: "system", metadata: { intent: intent.id, was: intent.status } });
  if (intent.status === "pending_approval") showOutcome(deps, expired, "expired");
  return expired;
}

async function refresh(deps: Deps, intent: SignIntentsTable): Promise<SignIntentsTable> {
  return (await expireLapsedIntent(deps, intent)) ?? intent;
}

/** The API's view of a request; the ticket is handed over while approved and unused. */
export async function intentState(deps: Deps, intent: SignIntentsTable): Promise<IntentState> {
  const state: IntentState = {
    id: intent.id,
    identity_id: intent.identity_id,
    status: intent.status,
    digest_hash: intent.digest_hash,
    payment: paymentOf(intent),
    requested_by: intent.requested_by,
    created_at: intent.created_at,
    expires_at: new Date(intent.expires_ms).toISOString(),
    decided_via: intent.decided_via,
  };
  if (intent.status === "approved" && intent.ticket_nonce && intent.ticket_expires_ms) {
    const claims = { sub: intent.user_id, iid: intent.identity_id, dgh: intent.digest_hash, scope: "sign" as const, jti: intent.ticket_nonce, int: intent.id };
    const iat = Math.floor((intent.approved_ms ?? deps.now()) / 1000);
    state.ticket = await mintTicket(claims, deps.config.ticketSecret, Math.floor(intent.ticket_expires_ms / 1000) - iat, iat * 1000);
    state.ticket_expires_at = new Date(intent.ticket_expires_ms).toISOString();
  }
  return state;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Where a request stands, for its owner's sessions. With `waitSeconds`, holds on while it is
 * pending (checking about once a second) until it changes or the time is up.
 * @throws AppError 404 unknown or another user's, 410 `intent_expired` once it has expired.
 */
export async function getIntentState(deps: Deps, userId: string, intentId: string, waitSeconds: number): Promise<IntentState> {
  const deadline = deps.now() + waitSeconds * 1000;
  for (;;) {
    const intent = await loadOwnedIntent(deps, userId, intentId);
    if (intent.status !== "pending_approval" || deps.now() >= deadline) return intentState(deps, intent);
    await sleep(Math.min(1000, deadline - deps.now()));
  }
}

/**
 * The user's request with its owner's Telegram account, moved to `expired` first if it lapsed.
 * @throws AppError 404 unknown or another user's, 410 `intent_expired` once it has expired.
 */
export async function loadOwnedIntent(deps: Deps, userId: string, intentId: string): Promise<IntentWithOwner> {
  const found = await findIntentWithOwner(deps.dbh.db, intentId);
  if (!found || found.user_id !== userId) throw new AppError(404, "not_found", "no such sign intent");
  const intent = await refresh(deps, found);
  if (intent.status === "expired") throw new AppError(410, "intent_expired", "this request expired before it could be used");
  return found;
}

/** The owner's requests, newest first, optionally only those in one status. */
export async function listIntentStates(deps: Deps, userId: string, status: SignIntentsTable["status"] | undefined): Promise<IntentState[]> {
  const rows = await listIntents(deps.dbh.db, userId, status, 50);
  const fresh = await Promise.all(rows.map((row) => refresh(deps, row)));
  return Promise.all(fresh.filter((row) => !status || row.status === status).map((row) => intentState(deps, row)));
}

