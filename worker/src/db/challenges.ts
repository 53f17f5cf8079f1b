import type { Db } from "./client.js";
import type { ChallengesTable } from "./schema.js";

export async function insertChallenge(db: Db, row: ChallengesTable): Promise<void> {
  await db.insertInto("challenges").values(row).execute();
}

export async function findChallenge(db: Db, id: string): Promise<ChallengesTable | undefined> {
  return db.selectFrom("challenges").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Moves an approved, unexpired challenge to `consumed` and returns it; undefined when
 * another request consumed it first (a challenge gives at most one session).
 */
export async function consumeApprovedChallenge(db: Db, id: string, nowMs: number): Promise<ChallengesTable | undefined> {
  return db
    .updateTable("challenges")
    .set({ status: "consumed" })
    .where("id", "=", id)
    .where("status", "=", "approved")
    .where("expires_ms", ">", nowMs)
    .returningAll()
    .executeTakeFirst();
}

export async function findChallengeByCode(db: Db, code: string): Promise<ChallengesTable | undefined> {
  return db.selectFrom("challenges").selectAll().where("code", "=", code).executeTakeFirst();
}

/**
 * Binds a pending, unexpired challenge to the Telegram account that opened its link, unless it
 * is already bound to another account. Returns the challenge when this account holds it.
 */
export async function claimChallenge(db: Db, code: string, telegramUserId: number, nowMs: number): Promise<ChallengesTable | undefined> {
  return db
    .updateTable("challenges")
    .set({ telegram_user_id: telegramUserId })
    .where("code", "=", code)
    .where("status", "=", "pending")
    .where("expires_ms", ">", nowMs)
    .where((eb) => eb.or([eb("telegram_user_id", "is", null), eb("telegram_user_id", "=", telegramUserId)]))
    .returningAll()
    .executeTakeFirst();
}

/** Approves or denies a pending, unexpired challenge held by this Telegram account, once. */
export function decideChallengeQuery(db: Db, id: string, telegramUserId: number, status: "approved" | "denied", nowMs: number) {
  return db
    .updateTable("challenges")
    .set({ status })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("telegram_user_id", "=", telegramUserId)
    .where("expires_ms", ">", nowMs)
    .returning("id");
}
