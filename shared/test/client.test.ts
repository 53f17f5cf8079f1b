import { describe, expect, it } from "vitest";
import { ClwApiError, createClient } from "../src/index.js";

type Handler = (url: string, init: RequestInit) => { status: number; body: unknown; headers?: Record<string, string> };

/** A fetch that answers from a table of handlers and records what was asked. */
function fakeFetch(handlers: Record<string, Handler>) {
  const calls: { method: string; url: string; headers: Record<string, string>; body?: unknown }[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const method = init.method ?? "GET";
    calls.push({ method, url, headers: init.headers as Record<string, string>, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const handler = handlers[`${method} ${new URL(url).pathname}`];
    if (!handler) return new Response(JSON.stringify({ error: "no route", code: "not_found" }), { status: 404 });
    const { status, body, headers } = handler(url, init);
    return new Response(JSON.stringify(body), { status, headers });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const SIG = "ab".repeat(64);

describe("the typed client", () => {
  it("signDigest does sign-intent then sign with the intent's ticket", async () => {
    const { fetch, calls } = fakeFetch({
      "POST /v1/identities/id-1/sign-intent": () => ({
        status: 201,
        body: { id: "i", identity_id: "id-1", digest_hash: "h", nonce: "n", scope: "sign", expires_at: "t", ticket: "TICKET" },
      }),
      "POST /v1/identities/id-1/sign": () => ({ status: 200, body: { signature: SIG } }),
    });
    const client = createClient({ baseUrl: "https://api.example/", token: "T", fetch });
    expect(await client.signDigest("id-1", "cd".repeat(32))).toBe(SIG);
    expect(calls.map((c) => c.url)).toEqual(["https://api.example/v1/identities/id-1/sign-intent", "https://api.example/v1/identities/id-1/sign"]);
    expect(calls[1]!.body).toEqual({ digest: "cd".repeat(32), ticket: "TICKET" });
    expect(calls.every((c) => c.headers.authorization === "Bearer T")).toBe(true);
  });

  it("verify reports pending, then keeps the session token once approved", async () => {
    let approved = false;
    const { fetch, calls } = fakeFetch({
      "POST /v1/auth/verify": () =>
        approved
          ? { status: 200, body: { token: "S", expires_in: 3600, user: { id: "u", telegram_user_id: "1", status: "active", created_at: "t" } } }
          : { status: 202, body: { status: "pending", expires_at: "t" } },
      "GET /v1/identities": () => ({ status: 200, body: { items: [] } }),
    });
    const client = createClient({ baseUrl: "https://api.example", fetch });
    expect(await client.verify("c")).toEqual({ status: "pending" });
    approved = true;
    expect((await client.verify("c")).status).toBe("approved");
    await client.listIdentities();
    expect(calls.at(-1)!.headers.authorization).toBe("Bearer S");
  });

  it("lists, makes (with the owner's init data as proof) and revokes agent keys", async () => {
    const agent = { id: "ag-1", name: "cron job", identity_ids: null, permissions: ["sign"], created_at: "t", expires_at: null, last_used_at: null, revoked_at: null };
    const key = `clw_ak_${"A".repeat(43)}`;
    const { fetch, calls } = fakeFetch({
      "GET /v1/agents": () => ({ status: 200, body: { items: [agent] } }),
      "POST /v1/agents": () => ({ status: 201, body: { agent_key: key, agent } }),
      "DELETE /v1/agents/ag-1": () => ({ status: 200, body: { ...agent, revoked_at: "now" } }),
    });
    const client = createClient({ baseUrl: "https://api.example", token: "T", fetch });
    expect(await client.listAgents()).toEqual([agent]);
    expect(await client.createAgent({ name: "cron job", permissions: ["sign"], expires_in: 3600 }, { initData: "query_id=1&hash=x" })).toEqual({ agent_key: key, agent });
    expect(calls[1]!.body).toEqual({ name: "cron job", permissions: ["sign"], expires_in: 3600 });
    expect(calls[1]!.headers["x-telegram-init-data"]).toBe("query_id=1&hash=x");
    expect((await client.revokeAgent("ag-1")).revoked_at).toBe("now");
    expect(calls[2]!.method).toBe("DELETE");
    await client.createAgent({ name: "no proof" });
    expect(calls[3]!.headers["x-telegram-init-data"]).toBeUndefined();
  });

  it("throws ClwApiError with status, code and Retry-After", async () => {
    const { fetch } = fakeFetch({
      "GET /v1/audit": () => ({ status: 429, body: { error: "slow down", code: "rate_limited" }, headers: { "retry-after": "7" } }),
    });
    const client = createClient({ baseUrl: "https://api.example", token: "T", fetch });
    const error = await client.audit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClwApiError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited", message: "slow down", retryAfter: 7 });
  });

  it("refuses an answer that does not match the contract", async () => {
    const { fetch } = fakeFetch({ "POST /v1/identities": () => ({ status: 201, body: { id: 1 } }) });
    const client = createClient({ baseUrl: "https://api.example", token: "T", fetch });
    await expect(client.createIdentity()).rejects.toThrow();
  });
});
