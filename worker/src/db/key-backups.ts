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
