import type { Db } from "./client.js";

/** Records an update id; its RETURNING row exists only for the first delivery of that update. */
export function claimUpdateQuery(db: Db, updateId: number, nowMs: number) {
  return db
    .insertInto("telegram_updates")
    .values({ update_id: updateId, received_ms: nowMs })
    .onConflict((oc) => oc.column("update_id").doNothing())
    .returning("update_id");
}

export function readConversationQuery(db: Db, key: string, nowMs: number) {
  return db.selectFrom("bot_conversations").select("state").where("key", "=", key).where("expires_ms", ">", nowMs);
}

export async function readConversation(db: Db, key: string, nowMs: number): Promise<string | undefined> {
  return (await readConversationQuery(db, key, nowMs).executeTakeFirst())?.state;
}

export async function writeConversation(db: Db, key: string, state: string, expiresMs: number): Promise<void> {
  await db
    .insertInto("bot_conversations")
    .values({ key, state, expires_ms: expiresMs })
    .onConflict((oc) => oc.column("key").doUpdateSet({ state, expires_ms: expiresMs }))
    .execute();
}

export async function deleteConversation(db: Db, key: string): Promise<void> {
  await db.deleteFrom("bot_conversations").where("key", "=", key).execute();
}
