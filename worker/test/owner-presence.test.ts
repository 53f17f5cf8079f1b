import { env } from "cloudflare:test";
import { sign as signInitData } from "@telegram-apps/init-data-node/web";
import { describe, expect, it } from "vitest";
import { call, freshTelegramId, randomDigest } from "./helpers.js";
import { TEST_BOT_TOKEN, botEnv, buttonsIn, callbackUpdate, callsFor, deliver, saidIn, textUpdate } from "./telegram.js";

const ALICE = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const OPEN = { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null };

const initData = (telegramUserId: number, startParam?: string) =>
  signInitData({ user: { id: telegramUserId, first_name: "Owner" }, chat_type: "private", query_id: crypto.randomUUID(), ...(startParam ? { start_param: startParam } : {}) }, TEST_BOT_TOKEN, new Date());

const api = (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => call(method, path, { token, body, headers, env: botEnv() });
const press = (telegramUserId: number, data: string, chatId = telegramUserId) => deliver(callbackUpdate(telegramUserId, data, chatId));
const chat = async (telegramUserId: number) => callsFor(env.TEST_TELEGRAM_API_ROOT, telegramUserId);

/** The owner signed in through the Mini App, with a key. */
async function miniAppOwner() {
  const telegramUserId = freshTelegramId();
  const signedIn = await call("POST", "/v1/auth/telegram", { body: { init_data: await initData(telegramUserId) }, env: botEnv() });
  expect(signedIn.status).toBe(200);
  const token = signedIn.body.token as string;
  const identity = await api("POST", "/v1/identities", token);
  return { telegramUserId, token, identityId: identity.body.id as string };
}

/** A session opened through a sign-in link the owner approved in chat: what an agent holds. */
async function linkSession(telegramUserId: number): Promise<string> {
  const challenge = await call("POST", "/v1/auth/challenge", { body: { client_label: "trading agent" }, env: botEnv() });
  const code = new URL(challenge.body.deep_link).searchParams.get("start")!;
  await deliver(textUpdate(telegramUserId, `/start ${code}`));
  await press(telegramUserId, `signin:approve:${challenge.body.challenge_id}`);
  const verified = await call("POST", "/v1/auth/verify", { body: { challenge_id: challenge.body.challenge_id }, env: botEnv() });
  expect(verified.status).toBe(200);
  return verified.body.token as string;
}

const policyOf = async (o: { token: string; identityId: string }) => (await api("GET", `/v1/identities/${o.identityId}/policy`, o.token)).body;
const actionButton = async (telegramUserId: number, decision: "confirm" | "deny") =>
  buttonsIn(await chat(telegramUserId)).map((b) => b.callback_data).filter((d) => d?.startsWith(`action:${decision}:`)).at(-1)!;

describe("nothing loosens without the owner", () => {
  it("an agent's session turning approval off gets 202; nothing changes until the owner confirms in chat", async () => {
    const o = await miniAppOwner();
    const agent = await linkSession(o.telegramUserId);
    expect((await api("PUT", `/v1/identities/${o.identityId}/policy`, agent, { ...OPEN, require_approval: true })).status).toBe(200);
    expect((await api("POST", `/v1/identities/${o.identityId}/sign-intent`, agent, { digest: randomDigest() })).status).toBe(202);

    const loosen = await api("PUT", `/v1/identities/${o.identityId}/policy`, agent, OPEN);
    expect(loosen.status).toBe(202);
    expect(loosen.body).toMatchObject({ kind: "policy", status: "pending_confirmation", identity_id: o.identityId, changes: ["approval turned off"] });
    expect((await policyOf(o)).require_approval).toBe(true);
    expect((await api("POST", `/v1/identities/${o.identityId}/sign-intent`, agent, { digest: randomDigest() })).status).toBe(202);
    expect(saidIn(await chat(o.telegramUserId)).join("\n")).toContain("Loosen the policy");

    expect((await press(o.telegramUserId, await actionButton(o.telegramUserId, "confirm"))).status).toBe(200);
    expect((await policyOf(o)).require_approval).toBe(false);
    expect((await api("GET", `/v1/actions/${loosen.body.id}`, agent)).body).toMatchObject({ status: "confirmed", decided_via: "chat", requested_by: expect.stringMatching(/^API session [0-9a-f]{8}$/) });
    const actions = (await api("GET", "/v1/audit?limit=20", o.token)).body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["action.request", "action.confirm", "policy.update"]));
  });

  it("a cancelled or foreign-pressed confirmation changes nothing", async () => {
    const o = await miniAppOwner();
    const stranger = freshTelegramId();
    await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, daily_limit_sats: 1000 });
    const loosen = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, OPEN);
    expect(loosen.status).toBe(202);
    await press(stranger, await actionButton(o.telegramUserId, "confirm"), o.telegramUserId);
    expect((await policyOf(o)).daily_limit_sats).toBe(1000);
    await press(o.telegramUserId, await actionButton(o.telegramUserId, "deny"));
    expect((await policyOf(o)).daily_limit_sats).toBe(1000);
    expect((await api("GET", `/v1/actions/${loosen.body.id}`, o.token)).body.status).toBe("denied");
    await press(o.telegramUserId, `action:confirm:${loosen.body.id}`);
    expect((await policyOf(o)).daily_limit_sats).toBe(1000);
  });

  it("tightening is immediate, and the owner is told of every change made outside the chat", async () => {
    const o = await miniAppOwner();
    const before = saidIn(await chat(o.telegramUserId)).length;
    const tighten = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, daily_limit_sats: 50_000, max_fee_sats: 2_000 });
    expect(tighten.status).toBe(200);
    // A spending rule cannot cap a raw digest: the same change made raw digests need approval.
    expect(tighten.body).toMatchObject({ daily_limit_sats: 50_000, max_fee_sats: 2_000, raw_digests: "approval" });
    const said = saidIn(await chat(o.telegramUserId)).slice(before);
    expect(said.join("\n")).toContain("was changed through the API");
    expect(said.join("\n")).toContain("no limit can cap it");
  });

  it("a change that says raw_digests: allow itself keeps it, and that is a loosening when it was stricter", async () => {
    const o = await miniAppOwner();
    const explicit = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, daily_limit_sats: 10, raw_digests: "allow" });
    expect([explicit.status, explicit.body.raw_digests]).toEqual([200, "allow"]);
    expect((await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, daily_limit_sats: 10, raw_digests: "deny" })).status).toBe(200);
    const back = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, daily_limit_sats: 10, raw_digests: "allow" });
    expect([back.status, back.body.changes]).toEqual([202, ["raw digests: allow"]]);
  });

  it("DELETE with a bearer token alone waits for the owner; the key keeps working until they confirm", async () => {
    const o = await miniAppOwner();
    const agent = await linkSession(o.telegramUserId);
    const destroy = await api("DELETE", `/v1/identities/${o.identityId}`, agent);
    expect(destroy.status).toBe(202);
    expect(destroy.body).toMatchObject({ kind: "destroy", status: "pending_confirmation" });
    expect((await api("POST", `/v1/identities/${o.identityId}/sign-intent`, agent, { digest: randomDigest() })).status).toBe(201);
    await press(o.telegramUserId, await actionButton(o.telegramUserId, "confirm"));
    expect((await api("GET", "/v1/identities", o.token)).body.items).toEqual([]);
    expect((await api("POST", `/v1/identities/${o.identityId}/sign-intent`, agent, { digest: randomDigest() })).status).toBe(409);
  });
});

describe("Mini App init data proves presence once, from a Mini App session", () => {
  it("fresh init data from the owner's Mini App session destroys at once; the same init data proves nothing twice", async () => {
    const o = await miniAppOwner();
    const second = await api("POST", "/v1/identities", o.token);
    const proof = await initData(o.telegramUserId);
    const header = { "x-telegram-init-data": proof };
    expect((await api("DELETE", `/v1/identities/${o.identityId}`, o.token, undefined, header)).status).toBe(200);
    const replay = await api("DELETE", `/v1/identities/${second.body.id}`, o.token, undefined, header);
    expect([replay.status, replay.body.code]).toEqual([401, "init_data_used"]);
    expect((await api("GET", "/v1/identities", o.token)).body.items.map((i: { id: string }) => i.id)).toEqual([second.body.id]);
  });

  it("a tightening does not spend the proof: the same init data then loosens at once", async () => {
    const o = await miniAppOwner();
    const header = { "x-telegram-init-data": await initData(o.telegramUserId) };
    expect((await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, require_approval: true }, header)).status).toBe(200);
    const loosen = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, OPEN, header);
    expect(loosen.status).toBe(200);
    const again = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, require_approval: true }, header);
    expect(again.status).toBe(200);
    const twice = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, OPEN, header);
    expect([twice.status, twice.body.code]).toEqual([401, "init_data_used"]);
  });

  it("stale or forged init data has a code of its own, unlike an ended session", async () => {
    const o = await miniAppOwner();
    await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, require_approval: true });
    const stale = await signInitData({ user: { id: o.telegramUserId, first_name: "Owner" }, chat_type: "private", query_id: crypto.randomUUID() }, TEST_BOT_TOKEN, new Date(Date.now() - 3_600_000));
    const old = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, OPEN, { "x-telegram-init-data": stale });
    expect([old.status, old.body.code]).toEqual([401, "init_data_expired"]);
    const forged = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, OPEN, { "x-telegram-init-data": (await initData(o.telegramUserId)).replace("Owner", "Mallory") });
    expect([forged.status, forged.body.code]).toEqual([401, "init_data_invalid"]);
  });

  it("an agent's session with the owner's (leaked) init data proves nothing", async () => {
    const o = await miniAppOwner();
    const agent = await linkSession(o.telegramUserId);
    const header = { "x-telegram-init-data": await initData(o.telegramUserId) };
    await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, require_approval: true });
    const loosen = await api("PUT", `/v1/identities/${o.identityId}/policy`, agent, OPEN, header);
    expect([loosen.status, loosen.body.code]).toEqual([403, "approval_required"]);
    const destroy = await api("DELETE", `/v1/identities/${o.identityId}`, agent, undefined, header);
    expect(destroy.status).toBe(403);
    expect((await policyOf(o)).require_approval).toBe(true);
  });

  it("init data opened for request A approves neither B nor C, and A only once", async () => {
    const o = await miniAppOwner();
    await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, require_approval: true });
    const ask = () => api("POST", `/v1/identities/${o.identityId}/sign-intent`, o.token, { digest: randomDigest() });
    const [a, b, c] = [await ask(), await ask(), await ask()];
    const openedForA = await initData(o.telegramUserId, a.body.id);
    for (const other of [b, c]) {
      const res = await api("POST", `/v1/sign-intents/${other.body.id}/approve`, o.token, { init_data: openedForA });
      expect([res.status, res.body.code]).toEqual([403, "approval_required"]);
    }
    const approvedA = await api("POST", `/v1/sign-intents/${a.body.id}/approve`, o.token, { init_data: openedForA });
    expect(approvedA.body.status).toBe("approved");
    const again = await api("POST", `/v1/sign-intents/${b.body.id}/deny`, o.token, { init_data: openedForA });
    expect(again.status).toBe(403);
    for (const other of [b, c]) expect((await api("GET", `/v1/sign-intents/${other.body.id}`, o.token)).body.status).toBe("pending_approval");
  });
});

describe("changes waiting for the owner", () => {
  it("are listed, and the owner's session can cancel one (the chat prompt says so)", async () => {
    const o = await miniAppOwner();
    await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { ...OPEN, require_approval: true });
    const loosen = await api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, OPEN);
    const destroy = await api("DELETE", `/v1/identities/${o.identityId}`, o.token);
    const waiting = await api("GET", "/v1/actions?status=pending_confirmation", o.token);
    expect(waiting.body.items.map((a: { id: string }) => a.id)).toEqual([destroy.body.id, loosen.body.id]);
    const cancelled = await api("POST", `/v1/actions/${destroy.body.id}/cancel`, o.token);
    expect(cancelled.body).toMatchObject({ status: "denied", decided_via: "api" });
    expect(saidIn(await chat(o.telegramUserId)).at(-1)).toContain("Cancelled");
    expect((await api("POST", `/v1/actions/${destroy.body.id}/cancel`, o.token)).status).toBe(409);
    expect((await api("GET", "/v1/actions?status=pending_confirmation", o.token)).body.items).toHaveLength(1);
    expect((await api("GET", "/v1/identities", o.token)).body.items).toHaveLength(1);
  });
});

describe("an agent key made from the Mini App", () => {
  it("needs the launch's proof; a refused grant does not spend it; a bearer token alone makes none", async () => {
    const o = await miniAppOwner();
    expect((await api("POST", "/v1/agents", o.token, { name: "cron" })).body.code).toBe("approval_required");
    const proof = { "x-telegram-init-data": await initData(o.telegramUserId) };
    const refused = await api("POST", "/v1/agents", o.token, { name: "cron", identity_ids: [crypto.randomUUID()] }, proof);
    expect(refused.status).toBe(400);
    const made = await api("POST", "/v1/agents", o.token, { name: "cron", identity_ids: [o.identityId], permissions: ["sign"] }, proof);
    expect(made.status).toBe(201);
    expect(made.body.agent).toMatchObject({ name: "cron", identity_ids: [o.identityId], permissions: ["sign"], created_via: "miniapp" });
    expect((await api("POST", "/v1/agents", o.token, { name: "again" }, proof)).body.code).toBe("init_data_used");
    expect((await api("GET", "/v1/agents", o.token)).body.items).toHaveLength(1);
  });
});

describe("sessions", () => {
  it("the owner lists live sessions with how they were opened, and signs out everywhere", async () => {
    const o = await miniAppOwner();
    const agent = await linkSession(o.telegramUserId);
    const list = await api("GET", "/v1/sessions", o.token);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ via: "miniapp", current: true }),
        expect.objectContaining({ via: "link", client_label: "trading agent", current: false }),
      ]),
    );
    const revoked = await api("POST", "/v1/sessions/revoke-all", o.token);
    expect(revoked.body).toEqual({ ok: true, revoked: 2 });
    expect((await api("GET", "/v1/identities", agent)).status).toBe(401);
    expect((await api("GET", "/v1/identities", o.token)).status).toBe(401);
  });

  it("/sessions in the bot lists them and Sign out everywhere ends them", async () => {
    const owner = freshTelegramId();
    const agent = await linkSession(owner);
    await deliver(textUpdate(owner, "/sessions"));
    expect(saidIn(await chat(owner)).at(-1)).toContain("which called itself “trading agent”");
    await press(owner, "sessions:revoke-all");
    expect(saidIn(await chat(owner)).at(-1)).toContain("Signed out everywhere: 1 session ended");
    expect((await api("GET", "/v1/identities", agent)).status).toBe(401);
  });

  it("the sign-in prompt shows the client's label as its own claim, never as clw.cash's word", async () => {
    const owner = freshTelegramId();
    const challenge = await call("POST", "/v1/auth/challenge", { body: { client_label: "pay.clw.cash" }, env: botEnv() });
    await deliver(textUpdate(owner, `/start ${new URL(challenge.body.deep_link).searchParams.get("start")}`));
    const prompt = saidIn(await chat(owner)).at(-1)!;
    expect(prompt).toContain("calls itself “pay.clw.cash”");
    expect(prompt).toContain("clw.cash has not checked it");
    expect(prompt).not.toMatch(/^Client: pay\.clw\.cash/m);
  });
});
