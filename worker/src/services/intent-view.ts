import type { ApprovalRequest } from "@clw/bot";
import type { IntentState, TransactionSummary } from "@clw/shared";
import { paymentOf } from "../db/sign-intents.js";
import type { SignIntentsTable } from "../db/schema.js";

/** The decoded transaction a PSBT request carries (null for a raw digest). */
export function transactionOf(row: Pick<SignIntentsTable, "transaction_summary">): TransactionSummary | null {
  return row.transaction_summary === null ? null : (JSON.parse(row.transaction_summary) as TransactionSummary);
}

/** A request as the API describes it, without its ticket. */
export function intentFields(row: SignIntentsTable): Omit<IntentState, "ticket" | "ticket_expires_at"> {
  return {
    id: row.id,
    identity_id: row.identity_id,
    status: row.status,
    kind: row.kind,
    digest_hash: row.digest_hash,
    payment: paymentOf(row),
    transaction: transactionOf(row),
    requested_by: row.requested_by,
    created_at: row.created_at,
    expires_at: new Date(row.expires_ms).toISOString(),
    decided_via: row.decided_via,
  };
}

/** A request as the owner's approval message shows it. */
export function approvalRequestOf(row: SignIntentsTable): ApprovalRequest {
  return {
    id: row.id,
    identityId: row.identity_id,
    digestHash: row.digest_hash,
    payment: paymentOf(row),
    transaction: transactionOf(row),
    requestedBy: row.requested_by,
    expiresAt: new Date(row.expires_ms).toISOString(),
  };
}
