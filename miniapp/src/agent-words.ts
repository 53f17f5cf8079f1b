import { type Agent, type AgentPermission, keyLabel } from "@clw/shared";
import { describeTime } from "./relative-time.js";
import { describeUntil } from "./session-words.js";

/** Whether an agent key still works: revoked and expired keys are refused on their next request. */
export type AgentState = "active" | "expired" | "revoked";

export function agentState(agent: Agent, now = Date.now()): AgentState {
  if (agent.revoked_at) return "revoked";
  if (agent.expires_at && Date.parse(agent.expires_at) <= now) return "expired";
  return "active";
}

/** What each permission lets an agent do, as the bot says it. */
export const PERMISSION_WORDS: Record<AgentPermission, string> = {
  sign: "ask to sign with its keys (your policies still apply)",
  read: "see its keys, addresses and policies",
};

/** "Can ask to sign …; see …": what an agent key may do, in words. */
export function permissionWords(permissions: readonly AgentPermission[]): string {
  if (permissions.length === 0) return "Can do nothing";
  const words = permissions.map((p) => PERMISSION_WORDS[p] ?? p).join("; ");
  return `Can ${words}`;
}

/**
 * Which keys an agent may use: all of the owner's (`null`), or each by its short label.
 * `publicKeys` maps the owner's active keys to their public keys; a key missing from it is no
 * longer active. Without it (keys not loaded), only the count is known.
 */
export function agentScopeWords(identityIds: readonly string[] | null, publicKeys: ReadonlyMap<string, string> | null): string {
  if (identityIds === null) return "All your keys, including keys you create later";
  if (!publicKeys) return `${identityIds.length} of your keys`;
  return identityIds.map((id) => (publicKeys.has(id) ? keyLabel(id, publicKeys) : "a key that is no longer active")).join(", ");
}

/** How the key was made: an agent's sign-in names itself, so its name is the agent's claim. */
export function madeWords(agent: Agent, now = Date.now()): string {
  const when = describeTime(agent.created_at, now);
  switch (agent.created_via) {
    case "agent_signin":
      return `Asked for by the agent and approved by you ${when} (the name is the agent's own)`;
    case "chat":
      return `Made by you in the chat ${when}`;
    case "miniapp":
      return `Made by you here ${when}`;
    case "test":
      return `Made in test mode ${when}`;
  }
}

/** "Last used 2 min ago", or "Never used". */
export function lastUsedWords(agent: Agent, now = Date.now()): string {
  return agent.last_used_at ? `Last used ${describeTime(agent.last_used_at, now)}` : "Never used";
}

/** When the key stops working (or stopped): revoked, expired, expiring, or never. */
export function expiryWords(agent: Agent, now = Date.now()): string {
  if (agent.revoked_at) return `Revoked ${describeTime(agent.revoked_at, now)}`;
  if (!agent.expires_at) return "Works until you revoke it";
  if (Date.parse(agent.expires_at) <= now) return `Expired ${describeTime(agent.expires_at, now)}`;
  return `Expires ${describeUntil(agent.expires_at, now)}`;
}

/**
 * The agent keys to list: the API's list with what changed on this screen applied (a key made
 * here first, a revoked one marked), then split into those shown (working keys, and any revoked
 * here, so the owner sees what happened) and those behind "show revoked and expired".
 */
export function agentsToList(loaded: readonly Agent[], changed: ReadonlyMap<string, Agent>, now = Date.now()): { shown: Agent[]; hidden: Agent[] } {
  const known = new Set(loaded.map((a) => a.id));
  const fresh = [...changed.values()].filter((a) => !known.has(a.id)).sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  const all = [...fresh, ...loaded.map((a) => changed.get(a.id) ?? a)];
  const shown: Agent[] = [];
  const hidden: Agent[] = [];
  for (const agent of all) (agentState(agent, now) === "active" || changed.has(agent.id) ? shown : hidden).push(agent);
  return { shown, hidden };
}

/** The line an agent's environment needs, exactly. */
export function agentKeyEnvLine(agentKey: string): string {
  return `CLW_AGENT_KEY=${agentKey}`;
}
