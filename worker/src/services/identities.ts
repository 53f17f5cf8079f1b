import type { Identity } from "@clw/shared";
import { sql } from "kysely";
import { runBatch } from "../db/client.js";
import { countActiveIdentities, destroyIdentityQuery, findIdentity, insertIdentityWithinCapQuery, listActiveIdentities, toIdentity } from "../db/identities.js";
import { deleteKeyBackupQuery, findKeyBackup, insertKeyBackupIfChangedQuery } from "../db/key-backups.js";
import type { IdentitiesTable } from "../db/schema.js";
import { AppError } from "../errors.js";
import { auditIfChangedQuery, auditQuery, logAudit, type AuditInput } from "./audit.js";
import { requirePermission } from "./agents.js";
import type { Deps, Source } from "./deps.js";
import type { AuthContext } from "./sessions.js";
import { storeResealedBackup } from "./key-reseal.js";

/**
 * Checks that the identity exists, belongs to the user and (with `active`) can still sign.
 * @throws AppError 404 unknown, 403 another user's; with `active`, 409 `identity_not_active`.
 */
export function checkOwnership<T extends IdentitiesTable>(identity: T | undefined, userId: string, active = true): T {
  if (!identity) throw new AppError(404, "not_found", "no such identity");
  if (identity.user_id !== userId) throw new AppError(403, "forbidden", "this identity belongs to another user");
  if (active && identity.status !== "active") throw new AppError(409, "identity_not_active", "this identity has been destroyed");
  return identity;
}

/** The identity if it belongs to the user; throws like `checkOwnership`. */
export async function getOwnedIdentity(deps: Deps, userId: string, identityId: string, active = true): Promise<IdentitiesTable> {
  return checkOwnership(await findIdentity(deps.dbh.db, identityId), userId, active);
}

/** The active identities the credential may see: the owner's all, an agent key's those in its scope. */
export async function listIdentities(deps: Deps, auth: AuthContext): Promise<Identity[]> {
  requirePermission(deps, auth, "read");
  const scope = auth.agent?.identityIds ?? null;
  const rows = await listActiveIdentities(deps.dbh.db, auth.userId);
  return rows.filter((row) => scope === null || scope.includes(row.id)).map((row) => toIdentity(row, deps.config.bitcoinNetwork));
}

const identityCapReached = (cap: number) =>
  new AppError(409, "limit_reached", `you have ${cap} active keys, the most allowed; destroy one you no longer need first`);

/**
 * Creates a key inside the enclave and stores the identity with its sealed backup, within the
 * per-user cap (checked again atomically when the identity is stored). If storing fails or the
 * cap filled up meanwhile, the enclave key is destroyed again so nothing is left half-made.
 * @throws AppError 409 `limit_reached` at the cap.
 */
export async function createIdentity(deps: Deps, userId: string, source: Source): Promise<Identity> {
  const cap = deps.config.caps.identitiesPerUser;
  if ((await countActiveIdentities(deps.dbh.db, userId)) >= cap) throw identityCapReached(cap);
  const id = crypto.randomUUID();
  const key = await deps.signer.generate(id, userId);
  const now = deps.now();
  const at = new Date(now).toISOString();
  const row: IdentitiesTable = { id, user_id: userId, alg: "secp256k1", public_key: key.public_key, status: "active", created_at: at, destroyed_at: null };
  const event: AuditInput = { action: "identity.create", userId, identityId: id, source, metadata: { public_key: key.public_key } };
  let stored = false;
  try {
    const [inserted] = await runBatch(deps.dbh, [
      sql`${insertIdentityWithinCapQuery(row, cap)} RETURNING id`,
      insertKeyBackupIfChangedQuery({ identity_id: id, alg: "secp256k1", sealed_key: key.sealed_key, created_at: at, updated_at: at }),
      auditIfChangedQuery(event, now),
    ]);
    stored = (inserted?.length ?? 0) > 0;
  } finally {
    if (!stored) await deps.signer.destroy(id).catch(() => undefined);
  }
  if (!stored) throw identityCapReached(cap);
  logAudit(event, now);
  return toIdentity(row, deps.config.bitcoinNetwork);
}

/**
 * Destroys an identity so that it stays destroyed: first, in one D1 batch, it is marked
 * destroyed (from then on no ticket for it is consumed and no restore imports it) and its sealed
 * backup is deleted (nothing can bring the key back), with the audit event; then the enclave
 * wipes the key and remembers the identity, refusing to import it again. If the enclave cannot be
 * reached, the identity is destroyed all the same: the key it still holds in memory can sign
 * nothing, and it is gone at the enclave's next restart.
 * @throws AppError 404/403 for the identity, 409 `identity_not_active` when already destroyed.
 */
export async function destroyIdentity(deps: Deps, userId: string, identityId: string, source: Source): Promise<void> {
  await getOwnedIdentity(deps, userId, identityId);
  await destroyOwnedIdentity(deps, userId, identityId, source);
}

/** `destroyIdentity` for an identity the caller has just found to be the user's. */
export async function destroyOwnedIdentity(deps: Deps, userId: string, identityId: string, source: Source): Promise<void> {
  const { db } = deps.dbh;
  const now = deps.now();
  const event: AuditInput = { action: "identity.destroy", userId, identityId, source };
  const [destroyed] = await runBatch(deps.dbh, [destroyIdentityQuery(db, identityId, new Date(now).toISOString()), auditIfChangedQuery(event, now), deleteKeyBackupQuery(db, identityId)]);
  if (!destroyed?.length) throw new AppError(409, "identity_not_active", "this identity has been destroyed");
  logAudit(event, now);
  await deps.signer.destroy(identityId).catch((error: unknown) => console.error(`signer could not wipe destroyed identity ${identityId}`, error));
}

/**
 * Re-imports the sealed backup into the enclave. The public key always comes from the
 * backup as the enclave opens it, never from the caller; the enclave refuses a backup holding
 * another key than the identity's. A backup in the old API's format comes back re-sealed in the
 * current one, which then replaces it in D1 (`identity.reseal`).
 * @throws AppError 404 `key_not_found` without a backup, 409 `key_conflict` when the backup does not match.
 */
export async function restoreIdentity(deps: Deps, identity: IdentitiesTable, source: Source, reason: string): Promise<Identity> {
  const backup = await findKeyBackup(deps.dbh.db, identity.id);
  if (!backup) throw new AppError(404, "key_not_found", "no sealed backup exists for this identity");
  const restored = await deps.signer.importKey(identity.id, identity.user_id, backup.sealed_key, identity.public_key);
  if (restored.public_key !== identity.public_key) {
    throw new AppError(409, "key_conflict", "the sealed backup does not match this identity's public key");
  }
  // A destroy may have run while the backup travelled to the signer: D1 is the truth, and a key it
  // no longer calls active is wiped again at once.
  if ((await findIdentity(deps.dbh.db, identity.id))?.status !== "active") {
    await deps.signer.destroy(identity.id).catch(() => undefined);
    throw new AppError(409, "identity_not_active", "this identity has been destroyed");
  }
  await auditQuery(
    deps.dbh.db,
    { action: "identity.restore", userId: identity.user_id, identityId: identity.id, source, metadata: { reason, imported: restored.imported } },
    deps.now(),
  ).execute();
  if (restored.resealed_key) await storeResealedBackup(deps, identity, backup.sealed_key, restored.resealed_key, source);
  return toIdentity(identity, deps.config.bitcoinNetwork);
}
