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
