import { sql } from "kysely";
import type { Db } from "./client.js";

export interface TicketUse {
  nonce: string;
  identityId: string;
  userId: string;
  /** The session asking: it must be live for the ticket to be consumed (null: the owner in Telegram). */
  sessionId: string | null;
  usedAt: string;
  nowMs: number;
  expiresMs: number;
}

/**
 * Consumes ticket nonces atomically, but only while the session is live and the identity is
 * active and owned by `userId`: one INSERT … SELECT, so concurrent attempts on one nonce yield
 * one row. The nonces travel as one JSON parameter read with `json_each`, so the statement stays
 * within D1's limits on bound parameters and compound SELECTs at any batch size. Its rows are the
 * nonces this statement consumed; run it in a batch with what must happen only if it did.
 */
export function consumeTicketsQuery(uses: TicketUse[]) {
  const first = uses[0];
  if (!first) throw new Error("consumeTicketsQuery needs at least one ticket use");
  const fresh = JSON.stringify(uses.map((use) => [use.nonce, use.expiresMs]));
  return sql<{ nonce: string }>`
    INSERT INTO ticket_uses (nonce, identity_id, used_at, expires_ms)
    SELECT fresh.value ->> 0, identities.id, ${first.usedAt}, fresh.value ->> 1
    FROM json_each(${fresh}) AS fresh JOIN identities ON identities.id = ${first.identityId}
      AND identities.user_id = ${first.userId} AND identities.status = 'active'
    ${first.sessionId === null ? sql`` : sql`JOIN sessions ON sessions.id = ${first.sessionId} AND sessions.user_id = ${first.userId}
      AND sessions.revoked_at IS NULL AND sessions.expires_ms > ${first.nowMs}`}
    WHERE true
    ON CONFLICT (nonce) DO NOTHING
    RETURNING nonce`;
}

export async function isTicketUsed(db: Db, nonce: string): Promise<boolean> {
  const row = await db.selectFrom("ticket_uses").select("nonce").where("nonce", "=", nonce).executeTakeFirst();
  return row !== undefined;
}

/** Forgets a consumption whose signature could not be made, so the owner's ticket is not lost. */
export async function releaseTickets(db: Db, nonces: string[]): Promise<void> {
  if (nonces.length) await sql`DELETE FROM ticket_uses WHERE nonce IN (SELECT value FROM json_each(${JSON.stringify(nonces)}))`.execute(db);
}
