import type { Payment, PendingIntent, Policy, TransactionSummary } from "@clw/shared";
import { runBatch } from "../db/client.js";
import type { SignIntentsTable } from "../db/schema.js";
import { insertPendingIntentWithinCap, insertReservedIntentQuery } from "../db/sign-intents.js";
import { AppError } from "../errors.js";
import { auditIfExistsQuery, logAudit, recordAudit, type AuditInput } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { transactionOf } from "./intent-view.js";
import { approvalUrl, notifyOwner } from "./notify.js";
import { dailyLimitDenied } from "./policies.js";

/** What a request signs, prepared for the policy and the records (see `createSignIntent`). */
export interface IntentSubject {
  kind: "digest" | "psbt";
  /** The raw digest, or a PSBT's binding (what its ticket is bound to). */
  digest: string;
  digestHash: string;
  /** A raw digest's declared payment (a claim). */
  payment: Payment | null;
  /** A PSBT's decoded transaction. */
  transaction: TransactionSummary | null;
  psbt: string | null;
  /** What counts against the daily limit: a declared payment's amount or a transaction's spend. */
  amountSats: number | null;
  /** The PSBT uses sighash types other than DEFAULT/ALL (its policy allowed them). */
  unsafeSighash: boolean;
}

/** A sign intent row for a subject, in `status`, with everything else unset. */
function intentRow(deps: Deps, r: { id: string; identityId: string; userId: string; subject: IntentSubject; requestedBy: string | null; agentKeyId: string | null; nowMs: number }, status: SignIntentsTable["status"]): SignIntentsTable {
  const { subject } = r;
  return {
    id: r.id,
    identity_id: r.identityId,
    user_id: r.userId,
    digest: subject.digest,
    digest_hash: subject.digestHash,
    status,
    amount_sats: subject.amountSats || null,
    destination: subject.payment?.destination ?? null,
    memo: subject.payment?.memo ?? null,
    requested_by: r.requestedBy,
    created_at: new Date(r.nowMs).toISOString(),
    expires_ms: r.nowMs + deps.config.approvalTtlSeconds * 1000,
    decided_at: null,
    decided_via: null,
    approved_ms: null,
    ticket_nonce: null,
    ticket_expires_ms: null,
    telegram_chat_id: null,
    telegram_message_id: null,
    kind: subject.kind,
    psbt: subject.psbt,
    network: subject.transaction?.network ?? null,
    transaction_summary: subject.transaction ? JSON.stringify(subject.transaction) : null,
    unsafe_sighash: subject.unsafeSighash ? 1 : 0,
    agent_key_id: r.agentKeyId,
  };
}

/** What the audit trail keeps of a request: its id, and what it pays or spends (never the PSBT itself). */
function intentMetadata(row: SignIntentsTable, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const transaction = transactionOf(row);
  const what = transaction ? { kind: "psbt", txid: transaction.txid, spend_sats: transaction.spend_sats, fee_sats: transaction.fee_sats } : { kind: "digest", ...(row.amount_sats !== null ? { amount_sats: row.amount_sats, destination: row.destination, declared: true } : {}) };
  return { intent: row.id, ...what, ...(row.requested_by ? { requested_by: row.requested_by } : {}), ...(row.agent_key_id ? { agent_id: row.agent_key_id } : {}), ...extra };
}

export interface NewRequest {
  identityId: string;
  userId: string;
  ownerTelegramId: number;
  subject: IntentSubject;
  requestedBy: string | null;
  /** The agent key that asked, if an agent did. */
  agentKeyId: string | null;
}

/**
 * Records a request that waits for the owner (within the per-user cap), audits it and tells the
 * owner in Telegram.
 * @throws AppError 429 `limit_reached` when too many requests already wait.
 */
export async function createPendingIntent(deps: Deps, request: NewRequest, source: Source): Promise<PendingIntent> {
  const now = deps.now();
  const row = intentRow(deps, { ...request, id: crypto.randomUUID(), nowMs: now }, "pending_approval");
  const cap = deps.config.caps.pendingRequestsPerUser;
  if (!(await insertPendingIntentWithinCap(deps.dbh.db, row, cap, now))) {
    throw new AppError(429, "limit_reached", `${cap} requests already wait for the owner's decision; try again once they are decided or expired`);
  }
  await recordAudit(deps, { action: "intent.create", userId: request.userId, identityId: request.identityId, source, metadata: intentMetadata(row) });
  notifyOwner(deps, row, request.ownerTelegramId);
  const pending: PendingIntent = { id: row.id, status: "pending_approval", expires_at: new Date(row.expires_ms).toISOString(), approval_url: approvalUrl(deps, row.id) };
  return request.subject.transaction ? { ...pending, transaction: request.subject.transaction } : pending;
}

export interface AllowedIntent {
  intentId: string;
  nonce: string;
  identityId: string;
  userId: string;
  subject: IntentSubject;
  requestedBy: string | null;
  agentKeyId: string | null;
  policy: Policy;
  nowMs: number;
}

/**
 * Records a request the policy allows outright (a transaction, or a declared payment), reserving
 * its amount only if it fits the daily limit, with its audit events, in one D1 batch.
 * @throws AppError 403 `policy_denied` when the limit would be exceeded.
 */
export async function recordAllowedIntent(deps: Deps, a: AllowedIntent, source: Source): Promise<void> {
  const row = intentRow(deps, { id: a.intentId, identityId: a.identityId, userId: a.userId, subject: a.subject, requestedBy: a.requestedBy, agentKeyId: a.agentKeyId, nowMs: a.nowMs }, "approved");
  const ticketExpiresMs = a.nowMs + deps.config.ticketTtlSeconds * 1000;
  Object.assign(row, { expires_ms: ticketExpiresMs, decided_at: row.created_at, decided_via: "policy", approved_ms: a.nowMs, ticket_nonce: a.nonce, ticket_expires_ms: ticketExpiresMs });
  const metadata = intentMetadata(row, { via: "policy" });
  const events: AuditInput[] = [
    { action: "intent.create", userId: a.userId, identityId: a.identityId, source, metadata },
    { action: "intent.approve", userId: a.userId, identityId: a.identityId, source: "system", metadata },
  ];
  const [reserved] = await runBatch(deps.dbh, [insertReservedIntentQuery(row, a.nowMs), ...events.map((e) => auditIfExistsQuery(e, a.nowMs, a.intentId))]);
  if (!reserved?.length) throw dailyLimitDenied(a.policy.daily_limit_sats);
  for (const event of events) logAudit(event, a.nowMs);
}
