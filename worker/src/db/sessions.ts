import type { Db } from "./client.js";
import type { SessionsTable } from "./schema.js";

export function insertSessionQuery(db: Db, row: SessionsTable) {
  return db.insertInto("sessions").values(row);
}

/** The session, with its user's Telegram id, if it exists, is not revoked and has not expired. */
export async function findLiveSession(db: Db, id: string, nowMs: number) {
  return db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["sessions.id", "sessions.user_id", "sessions.via", "users.telegram_user_id"])
    .where("sessions.id", "=", id)
    .where("sessions.revoked_at", "is", null)
    .where("sessions.expires_ms", ">", nowMs)
    .executeTakeFirst();
}

export function revokeSessionQuery(db: Db, id: string, at: string) {
  return db.updateTable("sessions").set({ revoked_at: at }).where("id", "=", id).where("revoked_at", "is", null);
}

/** The user's sessions that are neither revoked nor expired, newest first. */
export async function listLiveSessions(db: Db, userId: string, nowMs: number) {
  return db
    .selectFrom("sessions")
    .select(["id", "via", "client_label", "created_at", "expires_ms"])
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .where("expires_ms", ">", nowMs)
    .orderBy("created_at", "desc")
    .limit(100)
    .execute();
}

/** Revokes every live session of the user; returns the ids revoked. */
export function revokeAllSessionsQuery(db: Db, userId: string, at: string) {
  return db.updateTable("sessions").set({ revoked_at: at }).where("user_id", "=", userId).where("revoked_at", "is", null).returning("id");
}
