import type { Db } from "./client.js";
import type { AgentRequestsTable } from "./schema.js";

export async function insertAgentRequest(db: Db, row: AgentRequestsTable): Promise<void> {
  await db.insertInto("agent_requests").values(row).execute();
}

export async function findAgentRequest(db: Db, id: string): Promise<AgentRequestsTable | undefined> {
  return db.selectFrom("agent_requests").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findAgentRequestByCode(db: Db, code: string): Promise<AgentRequestsTable | undefined> {
  return db.selectFrom("agent_requests").selectAll().where("code", "=", code).executeTakeFirst();
}

/**
 * Binds a pending, unexpired request to the Telegram account that opened its link, unless another
 * account holds it already. Returns it when this account holds it.
 */
export async function claimAgentRequest(db: Db, code: string, telegramUserId: number, nowMs: number): Promise<AgentRequestsTable | undefined> {
  return db
    .updateTable("agent_requests")
    .set({ telegram_user_id: telegramUserId })
    .where("code", "=", code)
    .where("status", "=", "pending")
    .where("expires_ms", ">", nowMs)
    .where((eb) => eb.or([eb("telegram_user_id", "is", null), eb("telegram_user_id", "=", telegramUserId)]))
    .returningAll()
    .executeTakeFirst();
}

/** Approves or denies a pending, unexpired request held by this Telegram account, once. */
export async function decideAgentRequest(db: Db, id: string, telegramUserId: number, status: "approved" | "denied", userId: string | null, nowMs: number) {
  return db
    .updateTable("agent_requests")
    .set({ status, user_id: userId })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("telegram_user_id", "=", telegramUserId)
    .where("expires_ms", ">", nowMs)
    .returningAll()
    .executeTakeFirst();
}

/** Moves an approved, unexpired request to consumed: its key is handed out exactly once. */
export function consumeAgentRequestQuery(db: Db, id: string, nowMs: number) {
  return db.updateTable("agent_requests").set({ status: "consumed" }).where("id", "=", id).where("status", "=", "approved").where("expires_ms", ">", nowMs).returningAll();
}
