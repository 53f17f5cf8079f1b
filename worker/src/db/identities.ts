import { p2trAddress, type BitcoinNetwork, type Identity } from "@clw/shared";
import { sql } from "kysely";
import { insertWhere, type Db } from "./client.js";
import { POLICY_COLUMNS } from "./policies.js";
import type { IdentitiesTable } from "./schema.js";

/** Maps a row to the API's identity shape, with its Taproot address on `network`. */
export function toIdentity(row: IdentitiesTable, network: BitcoinNetwork): Identity {
  return {
    id: row.id,
    user_id: row.user_id,
    alg: row.alg,
    public_key: row.public_key,
    status: row.status,
    created_at: row.created_at,
    address: p2trAddress(row.public_key, network),
  };
}

/** Inserts the identity only while its owner has fewer than `cap` active identities. */
export function insertIdentityWithinCapQuery(row: IdentitiesTable, cap: number) {
  return insertWhere("identities", row, sql`(SELECT count(*) FROM identities WHERE user_id = ${row.user_id} AND status = 'active') < ${cap}`);
}

export async function countActiveIdentities(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom("identities").select((eb) => eb.fn.countAll<number>().as("n")).where("user_id", "=", userId).where("status", "=", "active").executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function findIdentity(db: Db, id: string): Promise<IdentitiesTable | undefined> {
  return db.selectFrom("identities").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * The identity together with whether the given session is live, its owner's Telegram id and its policy
 * columns (null without a policy row), in one round trip (undefined when the identity does not exist).
 */
export async function findIdentityForSession(db: Db, identityId: string, sessionId: string | null, nowMs: number) {
  return db
    .selectFrom("identities")
    .leftJoin("identity_policies", "identity_policies.identity_id", "identities.id")
    .leftJoin("users", "users.id", "identities.user_id")
    .selectAll("identities")
    .select(POLICY_COLUMNS)
    .select("users.telegram_user_id as owner_telegram_id")
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom("sessions")
            .select("sessions.id")
            .where("sessions.id", "=", sessionId ?? "")
            .whereRef("sessions.user_id", "=", "identities.user_id")
            .where("sessions.revoked_at", "is", null)
            .where("sessions.expires_ms", ">", nowMs),
        )
        .as("session_live"),
    )
    .where("identities.id", "=", identityId)
    .executeTakeFirst();
}

/** The active identities of the user behind a Telegram account, newest first (for a batch). */
export function activeIdentitiesOfTelegramUserQuery(db: Db, telegramUserId: number) {
  return db
    .selectFrom("identities")
    .innerJoin("users", "users.id", "identities.user_id")
    .selectAll("identities")
    .where("users.telegram_user_id", "=", telegramUserId)
    .where("identities.status", "=", "active")
    .orderBy("identities.created_at", "desc")
    .orderBy("identities.id", "desc");
}

export async function listActiveIdentities(db: Db, userId: string): Promise<IdentitiesTable[]> {
  return db
    .selectFrom("identities")
    .selectAll()
    .where("user_id", "=", userId)
    .where("status", "=", "active")
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

export function destroyIdentityQuery(db: Db, id: string, at: string) {
  return db
    .updateTable("identities")
    .set({ status: "destroyed", destroyed_at: at })
    .where("id", "=", id)
    .where("status", "=", "active")
    .returning("id");
}
