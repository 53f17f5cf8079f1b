import { insertWhere, previousStatementChanged, type Db } from "./client.js";
import type { KeyBackupsTable } from "./schema.js";

/** Inserts the backup only if the previous statement of the batch inserted its identity. */
export function insertKeyBackupIfChangedQuery(row: KeyBackupsTable) {
  return insertWhere("key_backups", row, previousStatementChanged);
}

export async function findKeyBackup(db: Db, identityId: string): Promise<KeyBackupsTable | undefined> {
  return db.selectFrom("key_backups").selectAll().where("identity_id", "=", identityId).executeTakeFirst();
}

export function deleteKeyBackupQuery(db: Db, identityId: string) {
  return db.deleteFrom("key_backups").where("identity_id", "=", identityId);
}

/**
 * Replaces a backup's sealed key only while it still holds `previous`, so a concurrent restore
 * that stored its own replacement first is never overwritten. Returns the identity id (one row)
 * when this statement replaced it, no rows otherwise.
 */
export function replaceSealedKeyQuery(db: Db, identityId: string, previous: string, next: string, updatedAt: string) {
  return db
    .updateTable("key_backups")
    .set({ sealed_key: next, updated_at: updatedAt })
    .where("identity_id", "=", identityId)
    .where("sealed_key", "=", previous)
    .returning("identity_id");
}
