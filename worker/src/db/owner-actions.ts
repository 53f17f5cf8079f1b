import type { Db } from "./client.js";
import type { OwnerActionsTable, OwnerActionStatus } from "./schema.js";

export async function insertOwnerAction(db: Db, row: OwnerActionsTable): Promise<void> {
  await db.insertInto("owner_actions").values(row).execute();
}

/** The action with its owner's Telegram account. */
export async function findOwnerAction(db: Db, id: string) {
  return db
    .selectFrom("owner_actions")
    .innerJoin("users", "users.id", "owner_actions.user_id")
    .selectAll("owner_actions")
    .select("users.telegram_user_id as owner_telegram_id")
    .where("owner_actions.id", "=", id)
    .executeTakeFirst();
}

/**
 * Moves a pending, unexpired action to its decision, once: of two concurrent decisions, one
 * wins. Returns the decided row, or undefined when it was no longer pending.
 */
export async function decideOwnerActionQuery(db: Db, id: string, status: "confirmed" | "denied", via: "chat" | "miniapp" | "api", at: string, nowMs: number) {
  return db
    .updateTable("owner_actions")
    .set({ status, decided_at: at, decided_via: via })
    .where("id", "=", id)
    .where("status", "=", "pending_confirmation")
    .where("expires_ms", ">", nowMs)
    .returningAll()
    .executeTakeFirst();
}

/** Marks a confirmed action whose change could no longer be made (e.g. the key is gone). */
export async function markOwnerAction(db: Db, id: string, status: OwnerActionStatus): Promise<void> {
  await db.updateTable("owner_actions").set({ status }).where("id", "=", id).execute();
}

export async function setOwnerActionMessage(db: Db, id: string, chatId: number, messageId: number): Promise<void> {
  await db.updateTable("owner_actions").set({ telegram_chat_id: chatId, telegram_message_id: messageId }).where("id", "=", id).execute();
}

/** The user's actions, newest first, optionally only those still waiting. */
export async function listOwnerActions(db: Db, userId: string, pendingOnly: boolean, nowMs: number): Promise<OwnerActionsTable[]> {
  let query = db.selectFrom("owner_actions").selectAll().where("user_id", "=", userId);
  if (pendingOnly) query = query.where("status", "=", "pending_confirmation").where("expires_ms", ">", nowMs);
  return query.orderBy("created_at", "desc").limit(50).execute();
}
