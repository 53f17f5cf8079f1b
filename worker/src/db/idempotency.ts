import { runBatch, type Db, type DbHandle } from "./client.js";
import type { IdempotencyKeysTable } from "./schema.js";

/** How long a first answer is kept for its Idempotency-Key. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Reserves the key for this request, unless a live reservation or answer exists (then returns
 * it). An entry older than a day is replaced as if it were not there. One D1 round trip.
 */
export async function reserveIdempotencyKey(dbh: DbHandle, row: IdempotencyKeysTable): Promise<IdempotencyKeysTable | undefined> {
  const { db } = dbh;
  const [, inserted, existing] = await runBatch(dbh, [
    db.deleteFrom("idempotency_keys").where("credential", "=", row.credential).where("idem_key", "=", row.idem_key).where("created_ms", "<=", row.created_ms - IDEMPOTENCY_TTL_MS),
    db.insertInto("idempotency_keys").values(row).onConflict((oc) => oc.doNothing()).returning("idem_key"),
    db.selectFrom("idempotency_keys").selectAll().where("credential", "=", row.credential).where("idem_key", "=", row.idem_key),
  ]);
  return inserted!.length > 0 ? undefined : (existing![0] as IdempotencyKeysTable | undefined);
}

export async function storeIdempotentAnswer(db: Db, credential: string, key: string, status: number, response: string): Promise<void> {
  await db.updateTable("idempotency_keys").set({ status, response }).where("credential", "=", credential).where("idem_key", "=", key).execute();
}

/** Frees a reservation whose request failed on the server, so the client may retry. */
export async function releaseIdempotencyKey(db: Db, credential: string, key: string): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("credential", "=", credential).where("idem_key", "=", key).where("status", "=", 0).execute();
}
