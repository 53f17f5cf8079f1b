import type { Db } from "./client.js";
import type { UsersTable } from "./schema.js";

/** Inserts the user unless one with this Telegram id exists; returns the row when it was inserted. */
export async function insertUserIfAbsent(db: Db, row: UsersTable): Promise<UsersTable | undefined> {
  return db
    .insertInto("users")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findUserByTelegramId(db: Db, telegramUserId: number): Promise<UsersTable | undefined> {
  return db.selectFrom("users").selectAll().where("telegram_user_id", "=", telegramUserId).executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<UsersTable | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}
