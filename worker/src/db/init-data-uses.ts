import type { Db } from "./client.js";

/**
 * Records one use of init data (by its hash) for a purpose; returns false when it was used for
 * that purpose before. The primary key makes this atomic under concurrent attempts.
 */
export async function claimInitDataUse(db: Db, hash: string, purpose: string, nowMs: number, expiresMs: number): Promise<boolean> {
  const row = await db
    .insertInto("init_data_uses")
    .values({ hash, purpose, used_ms: nowMs, expires_ms: expiresMs })
    .onConflict((oc) => oc.doNothing())
    .returning("hash")
    .executeTakeFirst();
  return row !== undefined;
}
