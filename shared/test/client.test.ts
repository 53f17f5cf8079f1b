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
    const agent = { id: "ag-1", name: "cron job", identity_ids: null, permissions: ["sign"], created_at: "t", expires_at: null, last_used_at: null, revoked_at: null, created_via: "agent_signin" as const };
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

  it("agent sign-in: starts with an Idempotency-Key, reports pending, then remembers the key it collects", async () => {
    const agent = { id: "a", name: "bot", identity_ids: null, permissions: ["sign", "read"], created_at: "t", expires_at: null, last_used_at: null, revoked_at: null, created_via: "agent_signin" as const };
    const KEY = `clw_ak_${"A".repeat(43)}`;
    let approved = false;
    const { fetch, calls } = fakeFetch({
      "POST /v1/auth/agent": () => ({ status: 201, body: { request_id: "r", deep_link: "https://t.me/bot?start=ag_x", expires_at: "t", confirmation_code: "123 456" } }),
      "POST /v1/auth/agent/token": () => (approved ? { status: 200, body: { agent_key: KEY, agent } } : { status: 202, body: { status: "pending", expires_at: "t" } }),
      "GET /v1/identities": () => ({ status: 200, body: { items: [] } }),
    });
    const client = createClient({ baseUrl: "https://api.example", fetch });
    const started = await client.startAgentSignIn({ name: "bot", permissions: ["sign"] }, { idempotencyKey: "login-1" });
    expect(started.confirmation_code).toBe("123 456");
    expect(calls[0]!.headers["idempotency-key"]).toBe("login-1");
    expect(calls[0]!.body).toEqual({ name: "bot", permissions: ["sign"] });
    expect(await client.collectAgentKey("r")).toEqual({ status: "pending", expires_at: "t" });
    approved = true;
    expect(await client.collectAgentKey("r")).toEqual({ status: "issued", agent_key: KEY, agent });
    expect(calls.at(-1)!.body).toEqual({ request_id: "r" });
    await client.listIdentities();
    expect(calls.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("a denied agent sign-in is a ClwApiError with the API's code", async () => {
    const { fetch } = fakeFetch({ "POST /v1/auth/agent/token": () => ({ status: 403, body: { error: "the owner denied this agent in Telegram", code: "challenge_denied" } }) });
    const client = createClient({ baseUrl: "https://api.example", fetch });
    await expect(client.collectAgentKey("r")).rejects.toMatchObject({ status: 403, code: "challenge_denied" });
  });

  it("sends Idempotency-Key only when asked, on sign-intent, PSBT intents and sign-batch", async () => {
    const intent = { id: "i", identity_id: "id-1", digest_hash: "h", nonce: "n", scope: "sign", expires_at: "t", ticket: "TICKET" };
    const { fetch, calls } = fakeFetch({
      "POST /v1/identities/id-1/sign-intent": () => ({ status: 201, body: intent }),
      "POST /v1/identities/id-1/sign": () => ({ status: 200, body: { psbt: "cHNidP8=", signed_inputs: [0] } }),
      "POST /v1/identities/id-1/sign-batch": () => ({ status: 200, body: { signatures: [SIG] } }),
    });
    const client = createClient({ baseUrl: "https://api.example", token: "T", fetch });
    await client.signIntent("id-1", "cd".repeat(32));
    await client.signIntent("id-1", "cd".repeat(32), undefined, { idempotencyKey: "k1" });
    await client.signPsbt("id-1", "cHNidP8=", { idempotencyKey: "k2" });
    await client.signBatch("id-1", ["cd".repeat(32)], { idempotencyKey: "k3" });
    expect(calls.map((c) => c.headers["idempotency-key"])).toEqual([undefined, "k1", "k2", undefined, "k3"]);
  });

  it("signDigest tells onPending about a request that waits for the owner, then signs with the approved ticket", async () => {
    let polls = 0;
    const { fetch, calls } = fakeFetch({
      "POST /v1/identities/id-1/sign-intent": () => ({ status: 202, body: { id: "p", status: "pending_approval", expires_at: "t", approval_url: "https://pay.example/#/requests/p" } }),
      "GET /v1/sign-intents/p": () => ({ status: 200, body: intentState(++polls < 2 ? { status: "pending_approval" } : { status: "approved", ticket: "LATE" }) }),
      "POST /v1/identities/id-1/sign": () => ({ status: 200, body: { signature: SIG } }),
    });
    const client = createClient({ baseUrl: "https://api.example", token: "T", fetch });
    const pending: string[] = [];
    expect(await client.signDigest("id-1", "cd".repeat(32), { onPending: (intent) => pending.push(intent.approval_url), timeoutSeconds: 60 })).toBe(SIG);
    expect(pending).toEqual(["https://pay.example/#/requests/p"]);
    expect(calls.filter((c) => c.url.includes("/v1/sign-intents/p")).map((c) => new URL(c.url).searchParams.get("wait"))).toEqual(["25", "25"]);
    expect(calls.at(-1)!.body).toEqual({ digest: "cd".repeat(32), ticket: "LATE" });
  });

  it("waitForTicket says why no ticket came: denied, expired, already used, or time ran out while pending", async () => {
    const answer = (status: string) => {
      const { fetch } = fakeFetch({ "GET /v1/sign-intents/p": () => ({ status: 200, body: intentState({ status }) }) });
      return createClient({ baseUrl: "https://api.example", token: "T", fetch }).waitForTicket("p", 0);
    };
    await expect(answer("denied")).rejects.toMatchObject({ status: 403, code: "policy_denied" });
    await expect(answer("expired")).rejects.toMatchObject({ status: 410, code: "intent_expired", message: expect.stringContaining("expired") });
    await expect(answer("used")).rejects.toMatchObject({ status: 409, code: "ticket_replayed" });
    await expect(answer("pending_approval")).rejects.toMatchObject({ status: 410, code: "intent_expired", message: expect.stringContaining("request p is still waiting") });
  });
});

/** A `GET /v1/sign-intents/p` answer in the given state. */
function intentState(fields: { status: string; ticket?: string }) {
  return { id: "p", identity_id: "id-1", kind: "digest", digest_hash: "h", payment: null, transaction: null, requested_by: null, created_at: "t", expires_at: "t", decided_via: null, ...fields };
}
