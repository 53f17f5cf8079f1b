import type { Payment } from "@clw/shared";
import { sql, type RawBuilder } from "kysely";
import { insertWhere, type Db } from "./client.js";
import type { SignIntentsTable } from "./schema.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Satoshis an identity has committed over the rolling 24 hours before `nowMs`: payments used,
 * and payments approved whose ticket can still be used (an expired unused ticket releases them).
 */
function spentSql(id: RawBuilder<unknown>, nowMs: number) {
  return sql<number>`(SELECT COALESCE(SUM(s.amount_sats), 0) FROM sign_intents s
    WHERE s.identity_id = ${id} AND s.approved_ms > ${nowMs - DAY_MS}
      AND (s.status = 'used' OR (s.status = 'approved' AND s.ticket_expires_ms > ${nowMs})))`;
}

/** The daily limit check, true when `amount` still fits (no policy row or no limit: always). */
function fitsDailyLimit(id: RawBuilder<unknown>, amount: RawBuilder<unknown>, nowMs: number) {
  const limit = sql`(SELECT daily_limit_sats FROM identity_policies WHERE identity_id = ${id})`;
  return sql`(${limit} IS NULL OR ${spentSql(id, nowMs)} + ${amount} <= ${limit})`;
}

/** The payment a request carries, if any, as the contract shapes it. */
export function paymentOf(row: Pick<SignIntentsTable, "amount_sats" | "destination" | "memo">): Payment | null {
  if (row.amount_sats === null || row.destination === null) return null;
  return { amount_sats: row.amount_sats, destination: row.destination, ...(row.memo ? { memo: row.memo } : {}) };
}

export async function spentToday(db: Db, identityId: string, nowMs: number): Promise<number> {
  const row = await sql<{ spent: number }>`SELECT ${spentSql(sql`${identityId}`, nowMs)} AS spent`.execute(db);
  return Number(row.rows[0]?.spent ?? 0);
}

/**
 * Inserts a request that waits for the owner, only while its owner has fewer than `cap` such
 * requests still pending. Returns whether it did.
 */
export async function insertPendingIntentWithinCap(db: Db, row: SignIntentsTable, cap: number, nowMs: number): Promise<boolean> {
  const room = sql`(SELECT count(*) FROM sign_intents WHERE user_id = ${row.user_id} AND status = 'pending_approval' AND expires_ms > ${nowMs}) < ${cap}`;
  const result = await sql`${insertWhere("sign_intents", row, room)} RETURNING id`.execute(db);
  return result.rows.length > 0;
}

/**
 * Inserts an intent approved by policy, reserving its amount, only if the amount still fits
 * the daily limit: one statement, so concurrent requests cannot overspend. Returns whether it did.
 */
export function insertReservedIntentQuery(row: SignIntentsTable, nowMs: number) {
  return sql<{ id: string }>`${insertWhere("sign_intents", row, fitsDailyLimit(sql`${row.identity_id}`, sql`${row.amount_sats ?? 0}`, nowMs))} RETURNING id`;
}

export async function findIntent(db: Db, id: string): Promise<SignIntentsTable | undefined> {
  return db.selectFrom("sign_intents").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The intent with its owner's Telegram account. */
export function findIntentWithOwnerQuery(db: Db, id: string) {
  return db
    .selectFrom("sign_intents")
    .innerJoin("users", "users.id", "sign_intents.user_id")
    .selectAll("sign_intents")
    .select("users.telegram_user_id as owner_telegram_id")
    .where("sign_intents.id", "=", id);
}

export async function findIntentWithOwner(db: Db, id: string) {
  return findIntentWithOwnerQuery(db, id).executeTakeFirst();
}

export async function listIntents(db: Db, userId: string, status: SignIntentsTable["status"] | undefined, limit: number) {
  let query = db.selectFrom("sign_intents").selectAll().where("user_id", "=", userId);
  if (status) query = query.where("status", "=", status);
  return query.orderBy("created_at", "desc").limit(limit).execute();
}

export interface Approval {
  id: string;
  via: "chat" | "miniapp";
  at: string;
  nowMs: number;
  ticketNonce: string;
  ticketExpiresMs: number;
}

/**
 * Approves a pending, unexpired intent, reserving its amount only if it still fits the daily
 * limit: one statement, so two approvals can never overspend together. Returns the approved row.
 */
export function approveIntentQuery(a: Approval) {
  return sql<SignIntentsTable>`UPDATE sign_intents
    SET status = 'approved', decided_at = ${a.at}, decided_via = ${a.via}, approved_ms = ${a.nowMs},
        ticket_nonce = ${a.ticketNonce}, ticket_expires_ms = ${a.ticketExpiresMs}
    WHERE id = ${a.id} AND status = 'pending_approval' AND expires_ms > ${a.nowMs}
      AND (amount_sats IS NULL OR ${fitsDailyLimit(sql.ref("sign_intents.identity_id"), sql.ref("sign_intents.amount_sats"), a.nowMs)})
    RETURNING *`;
}

/** Denies a pending, unexpired intent. Returns the denied row. */
export function denyIntentQuery(db: Db, id: string, via: "chat" | "miniapp", at: string, nowMs: number) {
  return db
    .updateTable("sign_intents")
    .set({ status: "denied", decided_at: at, decided_via: via })
    .where("id", "=", id)
    .where("status", "=", "pending_approval")
    .where("expires_ms", ">", nowMs)
    .returningAll();
}

/** Marks a pending intent past its expiry, or an approved one whose ticket lapsed unused, as expired. */
export async function expireIntent(db: Db, id: string, nowMs: number): Promise<SignIntentsTable | undefined> {
  return db
    .updateTable("sign_intents")
    .set({ status: "expired" })
    .where("id", "=", id)
    .where((eb) =>
      eb.or([
        eb.and([eb("status", "=", "pending_approval"), eb("expires_ms", "<=", nowMs)]),
        eb.and([eb("status", "=", "approved"), eb("ticket_expires_ms", "<=", nowMs)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
}

/** Marks the intent behind a consumed ticket as used (only if this very nonce was consumed). */
export function markIntentUsedQuery(intentId: string, nonce: string) {
  return sql`UPDATE sign_intents SET status = 'used'
    WHERE id = ${intentId} AND status = 'approved' AND ticket_nonce = ${nonce}
      AND EXISTS (SELECT 1 FROM ticket_uses WHERE nonce = ${nonce})`;
}

export async function setIntentMessage(db: Db, id: string, chatId: number, messageId: number): Promise<void> {
  await db.updateTable("sign_intents").set({ telegram_chat_id: chatId, telegram_message_id: messageId }).where("id", "=", id).execute();
}
