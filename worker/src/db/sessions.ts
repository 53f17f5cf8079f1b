import type { Db } from "./client.js";
import type { SessionsTable } from "./schema.js";

export function insertSessionQuery(db: Db, row: SessionsTable) {
  return db.insertInto("sessions").values(row);
}

/** The session if it exists, is not revoked and has not expired. */
export async function findLiveSession(db: Db, id: string, nowMs: number) {
  return db
    .selectFrom("sessions")
    .select(["id", "user_id"])
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .where("expires_ms", ">", nowMs)
    .executeTakeFirst();
}

export function revokeSessionQuery(db: Db, id: string, at: string) {
  return db.updateTable("sessions").set({ revoked_at: at }).where("id", "=", id).where("revoked_at", "is", null);
}
