import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { verifySchnorr } from "@clw/shared";
import { call, createIdentity, freshTelegramId, randomDigest, signIn } from "./helpers.js";
import { botEnv, buttonsIn, callbackUpdate, callsFor, deliver, saidIn, textUpdate } from "./telegram.js";

const chat = (telegramUserId: number) => callsFor(env.TEST_TELEGRAM_API_ROOT, telegramUserId);

/** An agent key made in test mode for a fresh owner (the owner signs in as the same Telegram user). */
async function ownerWithAgent(grant: Record<string, unknown> = {}) {
  const telegramUserId = freshTelegramId();
  const { token } = await signIn(telegramUserId);
  const identity = await createIdentity(token);
  const other = await createIdentity(token);
  const request = await call("POST", "/v1/auth/agent", { body: { name: "trading-bot", telegram_user_id: telegramUserId, ...grant } });
  expect(request.status, JSON.stringify(request.body)).toBe(201);
  const issued = await call("POST", "/v1/auth/agent/token", { body: { request_id: request.body.request_id } });
  expect(issued.status).toBe(200);
  return { telegramUserId, token, identity, other, agentKey: issued.body.agent_key as string, agent: issued.body.agent };
}

describe("agent sign-in, approved in Telegram", () => {
  it("deep link → the owner sees what the agent asks → Approve → the key, exactly once", async () => {
    const owner = freshTelegramId();
    const request = await call("POST", "/v1/auth/agent", { body: { name: "trading-bot", permissions: ["sign"], expires_in: 86_400 }, env: botEnv() });
    expect(request.status).toBe(201);
    const start = new URL(request.body.deep_link).searchParams.get("start")!;
    expect(start).toMatch(/^ag_[0-9a-f]{32}$/);
    expect(start).not.toContain(request.body.request_id.replaceAll("-", ""));
    const collect = () => call("POST", "/v1/auth/agent/token", { body: { request_id: request.body.request_id }, env: botEnv() });
    expect((await collect()).status).toBe(202);

    await deliver(textUpdate(owner, `/start ${start}`));
    const prompt = saidIn(await chat(owner)).at(-1)!;
    expect(prompt).toContain("“trading-bot”");
    expect(prompt).toContain("all of your keys");
    expect(prompt).toContain(request.body.confirmation_code);
    expect(prompt).not.toContain("see its keys");
    const approve = buttonsIn(await chat(owner)).find((b) => b.callback_data?.startsWith("agent:approve:"))!.callback_data!;

    const stranger = freshTelegramId();
    await deliver(callbackUpdate(stranger, approve, owner));
    expect((await collect()).status).toBe(202);
    await deliver(callbackUpdate(owner, approve));
    const issued = await collect();
    expect(issued.status).toBe(200);
    expect(issued.body.agent_key).toMatch(/^clw_ak_[A-Za-z0-9_-]{43}$/);
    expect(issued.body.agent).toMatchObject({ name: "trading-bot", permissions: ["sign"], identity_ids: null, revoked_at: null });
    expect(Date.parse(issued.body.agent.expires_at) - Date.now()).toBeGreaterThan(86_000_000);
    expect((await collect()).status).toBe(404);
    await deliver(callbackUpdate(owner, approve));
    expect((await collect()).status).toBe(404);
  });

  it("Deny gives the agent nothing (403), and a request for another owner's key cannot be approved", async () => {
    const owner = freshTelegramId();
    const request = await call("POST", "/v1/auth/agent", { body: { name: "nosy" }, env: botEnv() });
    await deliver(textUpdate(owner, `/start ${new URL(request.body.deep_link).searchParams.get("start")}`));
    await deliver(callbackUpdate(owner, `agent:deny:${request.body.request_id}`));
    const denied = await call("POST", "/v1/auth/agent/token", { body: { request_id: request.body.request_id }, env: botEnv() });
    expect([denied.status, denied.body.code]).toEqual([403, "challenge_denied"]);

    const victim = await signIn();
    const theirs = await createIdentity(victim.token);
    const greedy = await call("POST", "/v1/auth/agent", { body: { name: "greedy", identity_ids: [theirs.id] }, env: botEnv() });
    await deliver(textUpdate(owner, `/start ${new URL(greedy.body.deep_link).searchParams.get("start")}`));
    await deliver(callbackUpdate(owner, `agent:approve:${greedy.body.request_id}`));
    expect((await call("POST", "/v1/auth/agent/token", { body: { request_id: greedy.body.request_id }, env: botEnv() })).status).toBe(202);
  });

  it("bad requests are 400 and unknown ones 404", async () => {
    for (const body of [{}, { name: "" }, { name: "x", permissions: ["admin"] }, { name: "x", identity_ids: ["not-a-uuid"] }, { name: "x", expires_in: 5 }, { name: "x", extra: 1 }]) {
      expect((await call("POST", "/v1/auth/agent", { body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call("POST", "/v1/auth/agent/token", { body: { request_id: crypto.randomUUID() } })).status).toBe(404);
  });
});

describe("agent keys are scoped, and can never do what only the owner can", () => {
  it("signs on its identities and reads them with their address; nothing else", async () => {
    const o = await ownerWithAgent();
    const list = await call("GET", "/v1/identities", { token: o.agentKey });
    expect(list.body.items.map((i: { id: string }) => i.id).sort()).toEqual([o.identity.id, o.other.id].sort());
    expect(list.body.items[0].address).toMatch(/^bc1p/);
    const digest = randomDigest();
    const intent = await call("POST", `/v1/identities/${o.identity.id}/sign-intent`, { token: o.agentKey, body: { digest } });
    expect(intent.status).toBe(201);
    const signed = await call("POST", `/v1/identities/${o.identity.id}/sign`, { token: o.agentKey, body: { digest, ticket: intent.body.ticket } });
    expect(verifySchnorr(o.identity.public_key, digest, signed.body.signature)).toBe(true);
    const audit = await call("GET", "/v1/audit", { token: o.token });
    const sign = audit.body.items.find((e: { action: string }) => e.action === "identity.sign");
    expect(sign.metadata).toMatchObject({ agent: "trading-bot", agent_id: o.agent.id });
  });

  it("every owner-only route answers 403 and changes nothing", async () => {
    const o = await ownerWithAgent();
    const before = (await call("GET", "/v1/audit?limit=100", { token: o.token })).body.count;
    const attempts: [string, string, unknown?][] = [
      ["POST", "/v1/identities", {}],
      ["DELETE", `/v1/identities/${o.identity.id}`],
      ["POST", `/v1/identities/${o.identity.id}/restore`, {}],
      ["PUT", `/v1/identities/${o.identity.id}/policy`, { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null }],
      ["GET", "/v1/agents"],
      ["POST", "/v1/agents", { name: "child" }],
      ["DELETE", `/v1/agents/${o.agent.id}`],
      ["GET", "/v1/sessions"],
      ["POST", "/v1/sessions/revoke-all"],
      ["GET", "/v1/audit"],
      ["POST", `/v1/sign-intents/${crypto.randomUUID()}/approve`, { init_data: "x" }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(method, path, { token: o.agentKey, body });
      expect([res.status, res.body.code], `${method} ${path}`).toEqual([403, "forbidden"]);
    }
    expect((await call("GET", "/v1/identities", { token: o.token })).body.items).toHaveLength(2);
    const events = (await call("GET", "/v1/audit?limit=100", { token: o.token })).body.items.slice(0, attempts.length);
    expect(events.every((e: { action: string }) => e.action === "agent.refused")).toBe(true);
    expect((await call("GET", "/v1/audit?limit=100", { token: o.token })).body.count).toBe(before + attempts.length);
  });

  it("an identity outside its list is 403 and nothing is signed, consumed or created", async () => {
    const o = await ownerWithAgent({});
    const scoped = await call("POST", "/v1/auth/agent", { body: { name: "narrow", telegram_user_id: o.telegramUserId, identity_ids: [o.identity.id], permissions: ["sign"] } });
    const key = (await call("POST", "/v1/auth/agent/token", { body: { request_id: scoped.body.request_id } })).body.agent_key as string;
    const intents = async () => (await env.DB.prepare("SELECT count(*) AS n FROM sign_intents WHERE identity_id = ?").bind(o.other.id).first<{ n: number }>())!.n;
    for (const [path, body] of [
      [`/v1/identities/${o.other.id}/sign-intent`, { digest: randomDigest() }],
      [`/v1/identities/${o.other.id}/sign-batch`, { digests: [{ digest: randomDigest() }] }],
      [`/v1/identities/${o.other.id}/sign`, { digest: randomDigest(), ticket: "x".repeat(40) }],
    ] as const) {
      expect((await call("POST", path, { token: key, body })).status, path).toBe(403);
    }
    expect(await intents()).toBe(0);
    expect((await call("GET", "/v1/identities", { token: key })).status).toBe(403);
    expect((await call("POST", `/v1/identities/${o.identity.id}/sign-intent`, { token: key, body: { digest: randomDigest() } })).status).toBe(201);
  });

  it("revoked, expired, unknown and malformed keys are 401 on the next request", async () => {
    const o = await ownerWithAgent();
    expect((await call("GET", "/v1/identities", { token: o.agentKey })).status).toBe(200);
    expect((await call("DELETE", `/v1/agents/${o.agent.id}`, { token: o.token })).status).toBe(200);
    expect((await call("GET", "/v1/identities", { token: o.agentKey })).status).toBe(401);
    const expiring = await ownerWithAgent();
    await env.DB.prepare("UPDATE agent_keys SET expires_ms = 1 WHERE id = ?").bind(expiring.agent.id).run();
    expect((await call("GET", "/v1/identities", { token: expiring.agentKey })).status).toBe(401);
    for (const token of [`clw_ak_${"A".repeat(43)}`, "clw_ak_short", `${expiring.agentKey}x`]) {
      expect((await call("GET", "/v1/identities", { token })).status, token).toBe(401);
    }
  });

  it("an agent key can ask what it is; an owner's session cannot", async () => {
    const o = await ownerWithAgent({ identity_ids: undefined, permissions: ["sign"] });
    const me = await call("GET", "/v1/agents/me", { token: o.agentKey });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ ...o.agent, last_used_at: expect.any(String) });
    expect(me.body).toMatchObject({ name: "trading-bot", permissions: ["sign"], created_via: "agent_signin" });
    expect((await call("GET", "/v1/agents/me", { token: o.token })).body.code).toBe("forbidden");
    expect((await call("GET", "/v1/agents/me")).status).toBe(401);
    await call("DELETE", `/v1/agents/${o.agent.id}`, { token: o.token });
    expect((await call("GET", "/v1/agents/me", { token: o.agentKey })).status).toBe(401);
  });

  it("the raw key is stored nowhere: D1 holds only its hash, the audit trail only its id", async () => {
    const o = await ownerWithAgent();
    for (const table of ["agent_keys", "audit_events", "agent_requests", "sign_intents", "idempotency_keys"]) {
      const rows = await env.DB.prepare(`SELECT * FROM ${table}`).all();
      expect(JSON.stringify(rows.results), table).not.toContain(o.agentKey.slice(7));
    }
    const kv = await env.KV_TICKETS.list();
    for (const key of kv.keys) expect(await env.KV_TICKETS.get(key.name)).not.toContain(o.agentKey.slice(7));
  });

  it("an approval prompt names the agent", async () => {
    const owner = freshTelegramId();
    const agentRequest = await call("POST", "/v1/auth/agent", { body: { name: "rebalancer" }, env: botEnv() });
    await deliver(textUpdate(owner, `/start ${new URL(agentRequest.body.deep_link).searchParams.get("start")}`));
    await deliver(callbackUpdate(owner, `agent:approve:${agentRequest.body.request_id}`));
    const key = (await call("POST", "/v1/auth/agent/token", { body: { request_id: agentRequest.body.request_id }, env: botEnv() })).body.agent_key;
    await deliver(textUpdate(owner, "/new"));
    const identityId = (await call("GET", "/v1/identities", { token: key, env: botEnv() })).body.items[0].id;
    await deliver(callbackUpdate(owner, `policy:approval:on:${identityId}`));
    const pending = await call("POST", `/v1/identities/${identityId}/sign-intent`, { token: key, body: { digest: randomDigest() }, env: botEnv() });
    expect(pending.status).toBe(202);
    expect(saidIn(await chat(owner)).find((t) => t.includes("Signing request"))).toContain('Asked by: agent "rebalancer"');
    const state = await call("GET", `/v1/sign-intents/${pending.body.id}`, { token: key, env: botEnv() });
    expect(state.body).toMatchObject({ status: "pending_approval", requested_by: 'agent "rebalancer"' });
  });

  it("the owner's bot lists agents with a Revoke button, and /agents new shows a key once", async () => {
    const owner = freshTelegramId();
    await deliver(textUpdate(owner, "/agents new cron job"));
    const key = /clw_ak_[A-Za-z0-9_-]{43}/.exec(saidIn(await chat(owner)).at(-1)!)![0];
    expect((await call("GET", "/v1/identities", { token: key })).status).toBe(200);
    await deliver(textUpdate(owner, "/agents"));
    expect(saidIn(await chat(owner)).at(-1)).toContain("cron job");
    const revoke = buttonsIn(await chat(owner)).find((b) => b.callback_data?.startsWith("agent:revoke:"))!.callback_data!;
    await deliver(callbackUpdate(owner, revoke));
    expect((await call("GET", "/v1/identities", { token: key })).status).toBe(401);
  });
});

describe("Idempotency-Key", () => {
  it("the same key and body answer the first answer again; another body is 422; keys are per credential", async () => {
    const { token } = await signIn();
    const headers = { "idempotency-key": `create-${crypto.randomUUID()}` };
    const first = await call("POST", "/v1/identities", { token, body: { alg: "secp256k1" }, headers });
    const again = await call("POST", "/v1/identities", { token, body: { alg: "secp256k1" }, headers });
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await call("GET", "/v1/identities", { token })).body.items).toHaveLength(1);
    const other = await call("POST", "/v1/identities", { token, body: {}, headers });
    expect([other.status, other.body.code]).toEqual([422, "idempotency_mismatch"]);
    const elsewhere = await signIn();
    expect((await call("POST", "/v1/identities", { token: elsewhere.token, body: { alg: "secp256k1" }, headers })).body.id).not.toBe(first.body.id);
  });

  it("a replayed sign-intent is the same request: one ticket, one record", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const headers = { "idempotency-key": crypto.randomUUID() };
    const body = { digest: randomDigest(), payment: { amount_sats: 10, destination: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" } };
    const [a, b] = [await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body, headers }), await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body, headers })];
    expect(b.body).toEqual(a.body);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM sign_intents WHERE identity_id = ?").bind(identity.id).first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("an answer that failed is not kept: the same key may be retried", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const headers = { "idempotency-key": "retry-me" };
    const policy = (raw: string) => ({ require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, raw_digests: raw });
    await call("PUT", `/v1/identities/${identity.id}/policy`, { token, body: policy("deny") });
    const body = { digests: [{ digest: randomDigest() }] };
    const refused = await call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body, headers });
    expect(refused.status).toBe(403);
    await call("PUT", `/v1/identities/${identity.id}/policy`, { token, body: policy("allow") });
    const retried = await call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body, headers });
    expect(retried.status).toBe(200);
    expect((await call("POST", "/v1/identities", { token, headers: { "idempotency-key": "x y" } })).status).toBe(400);
  });
});
