import type { Db } from "./client.js";
import type { KeyBackupsTable } from "./schema.js";

export function insertKeyBackupQuery(db: Db, row: KeyBackupsTable) {
  return db.insertInto("key_backups").values(row);
}

export async function findKeyBackup(db: Db, identityId: string): Promise<KeyBackupsTable | undefined> {
  return db.selectFrom("key_backups").selectAll().where("identity_id", "=", identityId).executeTakeFirst();
}

export function deleteKeyBackupQuery(db: Db, identityId: string) {
  return db.deleteFrom("key_backups").where("identity_id", "=", identityId);
}
