import { sql } from "kysely";
import { runBatch } from "../db/client.js";
import { replaceSealedKeyQuery } from "../db/key-backups.js";
import type { IdentitiesTable } from "../db/schema.js";
import { auditWhenQuery, logAudit, type AuditInput } from "./audit.js";
import type { Deps, Source } from "./deps.js";

/** A backup's format by name, for the audit trail (never the backup itself). */
export function backupFormat(sealedKey: string): string {
  if (sealedKey.startsWith("v1.local.")) return "v1.local";
  if (sealedKey.startsWith("v1.evervault.")) return "v1.evervault";
  return /^"?ev:/.test(sealedKey) ? "legacy evervault" : "legacy local";
}

/**
 * Stores the signer's re-sealed backup in place of the legacy one it was opened from, with an
 * `identity.reseal` audit event, in one D1 batch. Both happen only while D1 still holds
 * `legacySealedKey`: when a concurrent restore replaced it first, this one changes nothing
 * (its re-sealed copy of the same key is dropped) and that one's event is the only one.
 * @returns whether this call replaced the backup.
 */
export async function storeResealedBackup(
  deps: Deps,
  identity: IdentitiesTable,
  legacySealedKey: string,
  resealedKey: string,
  source: Source,
): Promise<boolean> {
  const now = deps.now();
  const metadata = { previous_format: backupFormat(legacySealedKey), format: backupFormat(resealedKey) };
  const event: AuditInput = { action: "identity.reseal", userId: identity.user_id, identityId: identity.id, source, metadata };
  const [replaced] = await runBatch(deps.dbh, [
    replaceSealedKeyQuery(deps.dbh.db, identity.id, legacySealedKey, resealedKey, new Date(now).toISOString()),
    // The re-sealed backup is unique (fresh IV): it is in D1 only if the statement above put it there.
    auditWhenQuery(event, now, sql`EXISTS (SELECT 1 FROM key_backups WHERE identity_id = ${identity.id} AND sealed_key = ${resealedKey})`),
  ]);
  if (!replaced?.length) return false;
  logAudit(event, now);
  return true;
}
