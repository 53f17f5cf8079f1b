import type { Agent, AgentPermission } from "@clw/shared";
import type { Db } from "./client.js";
import type { AgentKeysTable } from "./schema.js";

/** Maps a row to the API's view of an agent key (never its hash). */
export function toAgent(row: AgentKeysTable): Agent {
  return {
    id: row.id,
    name: row.name,
    identity_ids: row.identity_ids === null ? null : (JSON.parse(row.identity_ids) as string[]),
    permissions: JSON.parse(row.permissions) as AgentPermission[],
    created_at: row.created_at,
    expires_at: row.expires_ms === null ? null : new Date(row.expires_ms).toISOString(),
    last_used_at: row.last_used_ms === null ? null : new Date(row.last_used_ms).toISOString(),
    revoked_at: row.revoked_at,
    created_via: row.created_via,
  };
}

export function insertAgentKeyQuery(db: Db, row: AgentKeysTable) {
  return db.insertInto("agent_keys").values(row);
}

/** The key with this hash if it is neither revoked nor expired. */
export async function findLiveAgentKey(db: Db, keyHash: string, nowMs: number): Promise<AgentKeysTable | undefined> {
  return db
    .selectFrom("agent_keys")
    .selectAll()
    .where("key_hash", "=", keyHash)
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_ms", "is", null), eb("expires_ms", ">", nowMs)]))
    .executeTakeFirst();
}

export async function listAgentKeys(db: Db, userId: string): Promise<AgentKeysTable[]> {
  return db.selectFrom("agent_keys").selectAll().where("user_id", "=", userId).orderBy("created_at", "desc").limit(200).execute();
}

/** Revokes the user's key, once; returns it when this call revoked it. */
export function revokeAgentKeyQuery(db: Db, userId: string, id: string, at: string) {
  return db.updateTable("agent_keys").set({ revoked_at: at }).where("id", "=", id).where("user_id", "=", userId).where("revoked_at", "is", null).returningAll();
}

export async function findAgentKey(db: Db, id: string): Promise<AgentKeysTable | undefined> {
  return db.selectFrom("agent_keys").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function touchAgentKey(db: Db, id: string, nowMs: number): Promise<void> {
  await db.updateTable("agent_keys").set({ last_used_ms: nowMs }).where("id", "=", id).execute();
}
