import type { IntentDecision } from "@clw/bot";
import type { IntentState, Policy } from "@clw/shared";
import { findPolicy, policyOfIntentQuery, toPolicy } from "../db/policies.js";
import type { SignIntentsTable } from "../db/schema.js";
import { runBatch } from "../db/client.js";
import { approveIntentQuery, denyIntentQuery, expireIntent, findIntentWithOwner, findIntentWithOwnerQuery, listIntents, paymentOf } from "../db/sign-intents.js";
import { AppError } from "../errors.js";
import { auditIfChangedQuery, logAudit, recordAudit, type AuditInput } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { intentFields, transactionOf } from "./intent-view.js";
import { signalDecision, waitForDecision } from "./decision-signals.js";
import { showOutcome } from "./notify.js";
import { evaluateRequest } from "./policy-rules.js";
import { randomToken } from "./random.js";
import type { AuthContext } from "./sessions.js";
import { mintTicket } from "./tokens.js";

/** Whether the identity's current policy still lets this request through at all (it may have changed since). */
function stillAllowed(policy: Policy, intent: SignIntentsTable): boolean {
  return evaluateRequest(policy, transactionOf(intent), paymentOf(intent), true).kind !== "deny";
}

export interface Decision {
  outcome: IntentDecision;
  /** The request as decided, when it was. */
  decided?: SignIntentsTable;
}

type IntentWithOwner = SignIntentsTable & { owner_telegram_id: number };

/**
 * The owner's decision on a pending request, proven by their Telegram account (a callback
 * through the verified webhook, or fresh Mini App init data). Approval re-checks the current
 * policy, reserves the amount atomically against the daily limit and starts the ticket's lifetime.
 */
export async function decideIntent(deps: Deps, intentId: string, telegramUserId: number, approve: boolean, via: "chat" | "miniapp"): Promise<Decision> {
  const { db } = deps.dbh;
  // The request and its key's current policy in one round trip.
  const [intents, policies] = await runBatch(deps.dbh, [findIntentWithOwnerQuery(db, intentId), policyOfIntentQuery(db, intentId)]);
  const intent = intents![0] as IntentWithOwner | undefined;
  return intent ? decideLoadedIntent(deps, intent, telegramUserId, approve, via, toPolicy(policies![0] as Parameters<typeof toPolicy>[0])) : { outcome: "gone" };
}

/** `decideIntent` for a request already read (with its owner's Telegram account, and its key's policy when read with it). */
export async function decideLoadedIntent(deps: Deps, intent: IntentWithOwner, telegramUserId: number, approve: boolean, via: "chat" | "miniapp", policy?: Policy): Promise<Decision> {
  const { db } = deps.dbh;
  if (intent.owner_telegram_id !== telegramUserId) return { outcome: "not_yours" };
  const now = deps.now();
  const at = new Date(now).toISOString();
  if (approve && !stillAllowed(policy ?? (await findPolicy(db, intent.identity_id)), intent)) return { outcome: "not_allowed" };
  const outcome = approve ? "approved" : "denied";
  const event: AuditInput = { action: approve ? "intent.approve" : "intent.deny", userId: intent.user_id, identityId: intent.identity_id, source: via === "chat" ? "telegram" : "miniapp", metadata: { intent: intent.id, via, telegram_user_id: telegramUserId } };
  // The decision and its audit event in one round trip: the waiting agent is woken one D1 trip sooner.
  const change = approve
    ? approveIntentQuery({ id: intent.id, via, at, nowMs: now, ticketNonce: randomToken(16), ticketExpiresMs: now + deps.config.ticketTtlSeconds * 1000 })
    : denyIntentQuery(db, intent.id, via, at, now);
  const [rows] = await runBatch(deps.dbh, [change, auditIfChangedQuery(event, now)]);
  const decided = rows![0] as SignIntentsTable | undefined;
  if (!decided) return { outcome: approve && intent.status === "pending_approval" && intent.expires_ms > now ? "over_limit" : "gone" };
  logAudit(event, now);
  signalDecision(deps, decided);
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
  if (intent.status === "pending_approval") {
    signalDecision(deps, expired);
    showOutcome(deps, expired, "expired");
  }
  return expired;
}

async function refresh(deps: Deps, intent: SignIntentsTable): Promise<SignIntentsTable> {
  return (await expireLapsedIntent(deps, intent)) ?? intent;
}

/** The API's view of a request; the ticket is handed over while approved and unused. */
export async function intentState(deps: Deps, intent: SignIntentsTable): Promise<IntentState> {
  const state: IntentState = intentFields(intent);
  if (intent.status === "approved" && intent.ticket_nonce && intent.ticket_expires_ms) {
    const kind = intent.kind === "psbt" ? { knd: "psbt" as const, ...(intent.unsafe_sighash ? { uns: true } : {}) } : {};
    const claims = { sub: intent.user_id, iid: intent.identity_id, dgh: intent.digest_hash, scope: "sign" as const, jti: intent.ticket_nonce, int: intent.id, ...kind };
    const iat = Math.floor((intent.approved_ms ?? deps.now()) / 1000);
    state.ticket = await mintTicket(claims, deps.config.ticketSecret, Math.floor(intent.ticket_expires_ms / 1000) - iat, iat * 1000);
    state.ticket_expires_at = new Date(intent.ticket_expires_ms).toISOString();
  }
  return state;
}

/** How long a waiter goes without reading D1 when nothing signalled a change. */
const D1_RECHECK_MS = 2000;

/**
 * Where a request stands, for its owner's sessions (and the agent key that made it). With
 * `waitSeconds`, holds on while it is pending until it changes or the time is up: the decision
 * wakes the waiter at once (same isolate, handing over the row D1 returned when it changed) or
 * within about 100 ms (a KV flag, after which D1, the truth, is read again), or every 2 s at most.
 * @throws AppError 404 unknown or another user's, 410 `intent_expired` once it has expired.
 */
export async function getIntentState(deps: Deps, auth: AuthContext, intentId: string, waitSeconds: number): Promise<IntentState> {
  const deadline = deps.now() + waitSeconds * 1000;
  for (;;) {
    const intent = await loadOwnedIntent(deps, auth.userId, intentId, auth.agent?.id ?? null);
    if (intent.status !== "pending_approval" || deps.now() >= deadline) return intentState(deps, intent);
    const decided = await waitForDecision(deps, intentId, Math.min(deadline, deps.now() + D1_RECHECK_MS, intent.expires_ms + 50));
    if (decided?.status === "approved" || decided?.status === "denied") return intentState(deps, decided);
  }
}

/**
 * The user's request with its owner's Telegram account, moved to `expired` first if it lapsed.
 * An agent key sees only the requests it made.
 * @throws AppError 404 unknown, another user's or another agent's, 410 `intent_expired` once it has expired.
 */
export async function loadOwnedIntent(deps: Deps, userId: string, intentId: string, agentKeyId: string | null = null): Promise<IntentWithOwner> {
  const found = await findIntentWithOwner(deps.dbh.db, intentId);
  if (!found || found.user_id !== userId || (agentKeyId !== null && found.agent_key_id !== agentKeyId)) throw new AppError(404, "not_found", "no such sign intent");
  const intent = await refresh(deps, found);
  if (intent.status === "expired") throw new AppError(410, "intent_expired", "this request expired before it could be used");
  return found;
}

/** The owner's requests (an agent's own, for an agent key), newest first, optionally only those in one status. */
export async function listIntentStates(deps: Deps, auth: AuthContext, status: SignIntentsTable["status"] | undefined): Promise<IntentState[]> {
  const rows = (await listIntents(deps.dbh.db, auth.userId, status, 50)).filter((row) => !auth.agent || row.agent_key_id === auth.agent.id);
  const fresh = await Promise.all(rows.map((row) => refresh(deps, row)));
  return Promise.all(fresh.filter((row) => !status || row.status === status).map((row) => intentState(deps, row)));
}
