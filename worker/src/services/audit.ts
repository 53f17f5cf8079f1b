import type { AuditAction, AuditPage } from "@clw/shared";
import { sql, type RawBuilder } from "kysely";
import { countAuditEvents, insertAuditQuery, listAuditEvents, type NewAuditEvent } from "../db/audit.js";
import { insertWhere, previousStatementChanged, type Db } from "../db/client.js";
import type { Deps, Source } from "./deps.js";

export interface AuditInput {
  action: AuditAction;
  userId: string | null;
  identityId?: string | null;
  source: Source;
  metadata?: Record<string, unknown>;
}

function toRow(input: AuditInput, nowMs: number): NewAuditEvent {
  return {
    user_id: input.userId,
    identity_id: input.identityId ?? null,
    action: input.action,
    source: input.source,
    metadata: JSON.stringify(input.metadata ?? {}),
    created_at: new Date(nowMs).toISOString(),
  };
}

/**
 * Writes the event as one structured JSON log line (for Logpush or a SIEM). Audit metadata
 * never carries secrets, tokens or key material, only ids, hashes, public keys and amounts.
 */
export function logAudit(input: AuditInput, nowMs: number): void {
  const row = toRow(input, nowMs);
  console.log(JSON.stringify({ event: "audit", action: row.action, user_id: row.user_id, identity_id: row.identity_id, source: row.source, metadata: input.metadata ?? {}, at: row.created_at }));
}

/**
 * Builds the audit row for a state change (callers put it in the same batch as the change) and
 * logs it as a structured line.
 */
export function auditQuery(db: Db, input: AuditInput, nowMs: number) {
  logAudit(input, nowMs);
  return insertAuditQuery(db, toRow(input, nowMs));
}

/**
 * The audit row for a change made earlier in the same batch, written only if `condition` (an SQL
 * boolean) holds by then. The caller logs it (`logAudit`) once the change happened.
 */
export function auditWhenQuery(input: AuditInput, nowMs: number, condition: RawBuilder<unknown>) {
  return insertWhere("audit_events", toRow(input, nowMs), condition);
}

/** `auditWhenQuery` for a change that created the sign intent `intentId`. */
export function auditIfExistsQuery(input: AuditInput, nowMs: number, intentId: string) {
  return auditWhenQuery(input, nowMs, sql`EXISTS (SELECT 1 FROM sign_intents WHERE id = ${intentId})`);
}

/**
 * `auditWhenQuery` for what the previous statement of the same batch did: written only if that
 * statement changed rows (e.g. consumed a ticket), so the event and the change commit together.
 */
export function auditIfChangedQuery(input: AuditInput, nowMs: number) {
  return auditWhenQuery(input, nowMs, previousStatementChanged);
}

/** Writes (and logs) one audit event on its own. */
export async function recordAudit(deps: Deps, input: AuditInput): Promise<void> {
  await auditQuery(deps.dbh.db, input, deps.now()).execute();
}

/** A page of the user's audit trail, newest first, with the total count. */
export async function auditPage(deps: Deps, userId: string, limit: number, offset: number): Promise<AuditPage> {
  const [items, count] = await Promise.all([
    listAuditEvents(deps.dbh.db, userId, limit, offset),
    countAuditEvents(deps.dbh.db, userId),
  ]);
  return { items, limit, offset, count };
}
