import type { Agent } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { agentKeyEnvLine, agentScopeWords, agentState, agentsToList, expiryWords, lastUsedWords, madeWords, permissionWords } from "../src/agent-words.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const agent = (id: string, patch: Partial<Agent> = {}): Agent => ({
  id,
  name: `agent ${id}`,
  identity_ids: null,
  permissions: ["sign", "read"],
  created_at: "2026-03-01T00:00:00Z",
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
  created_via: "agent_signin",
  ...patch,
});

describe("agent keys in words", () => {
  it("tell working keys from revoked and expired ones", () => {
    expect(agentState(agent("a"), NOW)).toBe("active");
    expect(agentState(agent("a", { expires_at: "2026-03-11T00:00:00Z" }), NOW)).toBe("active");
    expect(agentState(agent("a", { expires_at: "2026-03-10T11:59:59Z" }), NOW)).toBe("expired");
    expect(agentState(agent("a", { revoked_at: "2026-03-09T00:00:00Z", expires_at: "2026-03-01T00:00:00Z" }), NOW)).toBe("revoked");
  });

  it("say what it may do", () => {
    expect(permissionWords(["sign", "read"])).toBe("Can ask to sign with its keys (your policies still apply); see its keys, addresses and policies");
    expect(permissionWords(["read"])).toBe("Can see its keys, addresses and policies");
  });

  it("name its keys by their short labels, all of them, or a key no longer active", () => {
    const keys = new Map([["id-1", "02aabbccdd" + "00".repeat(28)], ["id-2", "03eeff0011" + "00".repeat(28)]]);
    expect(agentScopeWords(null, keys)).toBe("All your keys, including keys you create later");
    expect(agentScopeWords(["id-1", "id-2"], keys)).toBe("key aabbccdd…, key eeff0011…");
    expect(agentScopeWords(["id-1", "gone"], keys)).toBe("key aabbccdd…, a key that is no longer active");
    expect(agentScopeWords(["id-1", "id-2"], null)).toBe("2 of your keys");
  });

  it("say who made it, and that a name from an agent's sign-in is the agent's own claim", () => {
    expect(madeWords(agent("a"), NOW)).toMatch(/^Asked for by the agent and approved by you .+ \(the name is the agent's own\)$/);
    expect(madeWords(agent("a", { created_via: "chat" }), NOW)).toMatch(/^Made by you in the chat /);
    expect(madeWords(agent("a", { created_via: "miniapp" }), NOW)).toMatch(/^Made by you here /);
  });

  it("say when it was last used and when it stops working", () => {
    expect(lastUsedWords(agent("a"), NOW)).toBe("Never used");
    expect(lastUsedWords(agent("a", { last_used_at: "2026-03-10T11:58:00Z" }), NOW)).toBe("Last used 2 min ago");
    expect(expiryWords(agent("a"), NOW)).toBe("Works until you revoke it");
    expect(expiryWords(agent("a", { expires_at: "2026-03-17T12:00:00Z" }), NOW)).toBe("Expires in 7 days");
    expect(expiryWords(agent("a", { expires_at: "2026-03-10T10:00:00Z" }), NOW)).toBe("Expired 2 h ago");
    expect(expiryWords(agent("a", { revoked_at: "2026-03-10T11:59:30Z", expires_at: "2026-04-01T00:00:00Z" }), NOW)).toBe("Revoked just now");
  });

  it("list working keys, with one made or revoked here shown; the rest behind a toggle", () => {
    const loaded = [agent("live"), agent("old", { revoked_at: "2026-03-02T00:00:00Z" }), agent("lapsed", { expires_at: "2026-03-05T00:00:00Z" }), agent("cut")];
    const changed = new Map([
      ["cut", agent("cut", { revoked_at: "2026-03-10T11:59:00Z" })],
      ["new", agent("new", { created_at: "2026-03-10T11:59:00Z" })],
    ]);
    const { shown, hidden } = agentsToList(loaded, changed, NOW);
    expect(shown.map((a) => a.id)).toEqual(["new", "live", "cut"]);
    expect(shown[2]!.revoked_at).not.toBeNull();
    expect(hidden.map((a) => a.id)).toEqual(["old", "lapsed"]);
    expect(agentsToList(loaded, new Map(), NOW).shown.map((a) => a.id)).toEqual(["live", "cut"]);
  });

  it("give the exact environment line", () => {
    expect(agentKeyEnvLine(`clw_ak_${"x".repeat(43)}`)).toBe(`CLW_AGENT_KEY=clw_ak_${"x".repeat(43)}`);
  });
});
