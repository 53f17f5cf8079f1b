import { AGENT_KEY_PREFIX, AGENT_PERMISSIONS, type Agent, type AgentKeyIssued, type AgentPermission } from "@clw/shared";
import { findAgentKey, findLiveAgentKey, insertAgentKeyQuery, listAgentKeys, revokeAgentKeyQuery, toAgent, touchAgentKey } from "../db/agent-keys.js";
import { insertWhere, previousStatementChanged, runBatch, type Statement } from "../db/client.js";
import { listActiveIdentities } from "../db/identities.js";
import type { AgentKeysTable } from "../db/schema.js";
import { AppError } from "../errors.js";
import { auditIfChangedQuery, auditQuery, logAudit, recordAudit, type AuditInput } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import type { AgentScope, AuthContext } from "./sessions.js";
import { sha256Hex } from "./random.js";

/** How often an agent key's `last_used_at` is written at most (it is a hint, not a record). */
const TOUCH_EVERY_MS = 60_000;

/** SHA-256 of an agent key, hex: all D1 ever holds of it. */
const hashAgentKey = (key: string) => sha256Hex(key);

function newAgentKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return AGENT_KEY_PREFIX + btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const scopeOf = (row: AgentKeysTable): AgentScope => {
  const agent = toAgent(row);
  return { id: agent.id, name: agent.name, identityIds: agent.identity_ids, permissions: agent.permissions };
};

/**
 * Resolves an agent key to its owner and scope, reading D1 every time (a revoked key stops at the
 * next request; nothing is cached). Notes the use, at most once a minute, after the response.
 * @throws AppError 401 `unauthorized` for an unknown, revoked or expired key.
 */
export async function authenticateAgentKey(deps: Deps, key: string): Promise<AuthContext> {
  const now = deps.now();
  const row = await findLiveAgentKey(deps.dbh.db, await hashAgentKey(key), now);
  if (!row) throw new AppError(401, "unauthorized", "the agent key is unknown, revoked or expired");
  if (row.last_used_ms === null || now - row.last_used_ms > TOUCH_EVERY_MS) deps.defer(touchAgentKey(deps.dbh.db, row.id, now));
  return { userId: row.user_id, sessionId: null, agent: scopeOf(row) };
}

/** How the audit trail and the owner's prompts name who asked. */
export function requesterName(auth: AuthContext): string | null {
  if (auth.agent) return `agent "${auth.agent.name}"`;
  return auth.sessionId ? `API session ${auth.sessionId.slice(0, 8)}` : null;
}

/**
 * Checks that the credential may do `permission` (owners may do everything) on `identityId`. A
 * refusal is recorded in the owner's audit trail as `agent.refused`.
 * @throws AppError 403 `forbidden` naming what the agent key lacks.
 */
export function requirePermission(deps: Deps, auth: AuthContext, permission: AgentPermission | "owner", identityId?: string): void {
  const { agent } = auth;
  if (!agent) return;
  const reason =
    permission === "owner"
      ? "only the owner can do this; an agent key never can"
      : !agent.permissions.includes(permission)
        ? `this agent key has no "${permission}" permission`
        : identityId !== undefined && agent.identityIds !== null && !agent.identityIds.includes(identityId)
          ? "this agent key may not use that identity"
          : null;
  if (reason === null) return;
  deps.defer(recordAudit(deps, { action: "agent.refused", userId: auth.userId, identityId: identityId ?? null, source: "api", metadata: { agent: agent.name, agent_id: agent.id, wanted: permission } }));
  throw new AppError(403, "forbidden", reason);
}

/** What a new agent key is for. */
export interface AgentGrant {
  userId: string;
  name: string;
  identityIds: string[] | null;
  permissions: AgentPermission[];
  expiresInSeconds: number | null;
  via: AgentKeysTable["created_via"];
}

/**
 * Checks that every identity a grant names is the owner's and active.
 * @throws AppError 400 `bad_request` naming the first one that is not.
 */
export async function checkGrantIdentities(deps: Deps, userId: string, identityIds: string[] | null): Promise<void> {
  if (identityIds === null) return;
  const owned = new Set((await listActiveIdentities(deps.dbh.db, userId)).map((i) => i.id));
  const stranger = identityIds.find((id) => !owned.has(id.toLowerCase()));
  if (stranger) throw new AppError(400, "bad_request", `identity ${stranger} is not one of the owner's active keys`);
}

/**
 * Makes an agent key for a grant the owner approved: the key is returned once and only its hash
 * is stored, with an `agent.create` event, in one D1 batch (together with `also`, e.g. the
 * sign-in request it consumes, whose first statement must change a row for anything to be written).
 */
export async function issueAgentKey(deps: Deps, grant: AgentGrant, source: Source, also: Statement[] = []): Promise<AgentKeyIssued | null> {
  const now = deps.now();
  const key = newAgentKey();
  const permissions = [...new Set(grant.permissions)].sort((a, b) => AGENT_PERMISSIONS.indexOf(a) - AGENT_PERMISSIONS.indexOf(b));
  const row: AgentKeysTable = {
    id: crypto.randomUUID(),
    user_id: grant.userId,
    name: grant.name,
    key_hash: await hashAgentKey(key),
    identity_ids: grant.identityIds === null ? null : JSON.stringify(grant.identityIds.map((id) => id.toLowerCase())),
    permissions: JSON.stringify(permissions),
    created_at: new Date(now).toISOString(),
    created_via: grant.via,
    expires_ms: grant.expiresInSeconds === null ? null : now + grant.expiresInSeconds * 1000,
    last_used_ms: null,
    revoked_at: null,
  };
  const agent = toAgent(row);
  const event: AuditInput = { action: "agent.create", userId: grant.userId, source, metadata: { agent: agent.name, agent_id: agent.id, identity_ids: agent.identity_ids, permissions, expires_at: agent.expires_at } };
  const insert = also.length > 0 ? insertWhere("agent_keys", row, previousStatementChanged) : insertAgentKeyQuery(deps.dbh.db, row);
  const results = await runBatch(deps.dbh, [...also, insert, auditIfChangedQuery(event, now)]);
  if (also.length > 0 && !results[0]?.length) return null;
  logAudit(event, now);
  return { agent_key: key, agent };
}

/**
 * The agent key asking, as its owner sees it (name, scope, permissions, expiry).
 * @throws AppError 403 `forbidden` for an owner's session: it is not an agent key.
 */
export async function describeCredentialAgent(deps: Deps, auth: AuthContext): Promise<Agent> {
  const row = auth.agent ? await findAgentKey(deps.dbh.db, auth.agent.id) : undefined;
  if (!row) throw new AppError(403, "forbidden", "this is not an agent key: an owner's session has no agent to describe");
  return toAgent(row);
}

export async function listAgents(deps: Deps, userId: string): Promise<Agent[]> {
  return (await listAgentKeys(deps.dbh.db, userId)).map(toAgent);
}

/**
 * Revokes one of the owner's agent keys at once (its next request is refused).
 * @throws AppError 404 unknown, another owner's, or already revoked.
 */
export async function revokeAgent(deps: Deps, userId: string, agentId: string, source: Source): Promise<Agent> {
  const now = deps.now();
  const { db } = deps.dbh;
  const [revoked] = await runBatch(deps.dbh, [revokeAgentKeyQuery(db, userId, agentId, new Date(now).toISOString())]);
  const row = revoked?.[0] as AgentKeysTable | undefined;
  if (!row) throw new AppError(404, "not_found", "no such agent key, or it was already revoked");
  await auditQuery(db, { action: "agent.revoke", userId, source, metadata: { agent: row.name, agent_id: row.id } }, now).execute();
  return toAgent(row);
}
