import { env } from "cloudflare:test";
import { verifySchnorr } from "@clw/shared";
import { sign as signInitData } from "@telegram-apps/init-data-node/web";
import { describe, expect, it } from "vitest";
import { call, freshTelegramId, randomDigest } from "./helpers.js";
import { TEST_BOT_TOKEN, botEnv, callbackUpdate, callsFor, deliver } from "./telegram.js";

// Valid addresses (BIP-173 / BIP-350 test vectors and a well-known base58 one).
const ALICE = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const BOB = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2";
const withBot = () => botEnv();

/** Signs in (in Telegram mode the API needs a bot; the session comes from Mini App init data). */
async function owner() {
  const telegramUserId = freshTelegramId();
  const res = await call("POST", "/v1/auth/telegram", { body: { init_data: await initData(telegramUserId) }, env: withBot() });
  expect(res.status).toBe(200);
  const token = res.body.token as string;
  const identity = await api("POST", "/v1/identities", token);
  return { telegramUserId, token, identityId: identity.body.id as string, publicKey: identity.body.public_key as string };
}

/** Init data of one Mini App launch, opened (`startParam`) for a request or not. */
function initData(telegramUserId: number, authDate = new Date(), token = TEST_BOT_TOKEN, startParam?: string) {
  const launch = { user: { id: telegramUserId, first_name: "Owner" }, chat_type: "private" as const, query_id: crypto.randomUUID(), ...(startParam ? { start_param: startParam } : {}) };
  return signInitData(launch, token, authDate);
}
/** Init data of a launch from the request's Review button (`startapp=<id>`). */
const initDataFor = (telegramUserId: number, intentId: string) => initData(telegramUserId, new Date(), TEST_BOT_TOKEN, intentId);

const api = (method: string, path: string, token: string, body?: unknown, extra = {}) => call(method, path, { token, body, env: { ...withBot(), ...extra } });
const intent = (o: { token: string; identityId: string }, payment?: Record<string, unknown>, digest = randomDigest()) =>
  api("POST", `/v1/identities/${o.identityId}/sign-intent`, o.token, payment ? { digest, payment } : { digest });
const setPolicy = (o: { token: string; identityId: string }, policy: Record<string, unknown>) =>
  api("PUT", `/v1/identities/${o.identityId}/policy`, o.token, { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, ...policy });
const press = (telegramUserId: number, data: string, chatId = telegramUserId) => deliver(callbackUpdate(telegramUserId, data, chatId));
const intentCount = async (identityId: string) => (await env.DB.prepare("SELECT count(*) AS n FROM sign_intents WHERE identity_id = ?").bind(identityId).first<{ n: number }>())!.n;

describe("policies", () => {
  it("a new identity keeps the runbook's behaviour: no approval, no limits", async () => {
    const o = await owner();
    expect((await api("GET", `/v1/identities/${o.identityId}/policy`, o.token)).body).toEqual({
      require_approval: false,
      auto_approve_max_sats: null,
      daily_limit_sats: null,
      allowed_destinations: null,
      max_fee_sats: null,
      raw_digests: "allow",
      allow_unsafe_sighash: false,
    });
    expect((await intent(o, { amount_sats: 5000, destination: ALICE })).status).toBe(201);
    expect((await intent(o)).status).toBe(201);
  });

  it("are set by the owner only, validated, and audited", async () => {
    const o = await owner();
    const other = await owner();
    const set = await setPolicy(o, { require_approval: true, daily_limit_sats: 100_000, allowed_destinations: [ALICE] });
    expect(set.status).toBe(200);
    expect((await api("GET", `/v1/identities/${o.identityId}/policy`, o.token)).body).toMatchObject({ require_approval: true, daily_limit_sats: 100_000 });
    expect((await setPolicy({ ...o, token: other.token }, {})).status).toBe(403);
    for (const bad of [{ daily_limit_sats: -1 }, { daily_limit_sats: 1e20 }, { auto_approve_max_sats: 1.5 }, { allowed_destinations: ["bc1notanaddress"] }, { require_approval: "yes" }, { extra: 1 }]) {
      expect((await setPolicy(o, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const audit = await api("GET", "/v1/audit", o.token);
    expect(audit.body.items.filter((e: { action: string }) => e.action === "policy.update")).toHaveLength(1);
  });
});

describe("payments that need approval", () => {
  it("the owner approves in chat; the agent collects the ticket, signs once, and the request is used", async () => {
    const o = await owner();
    await setPolicy(o, { require_approval: true });
    const digest = randomDigest();
    const pending = await intent(o, { amount_sats: 25_000, destination: ALICE, memo: "coffee beans" }, digest);
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({ status: "pending_approval", approval_url: expect.stringContaining(pending.body.id) });
    expect(pending.body.ticket).toBeUndefined();

    const message = (await callsFor(env.TEST_TELEGRAM_API_ROOT, o.telegramUserId)).find((c) => c.method === "sendMessage" && String(c.payload.text).includes("Signing request"));
    expect(message?.payload.text).toContain("its content cannot be checked");
    expect(message?.payload.text).toContain("declares (not verified)");
    expect(message?.payload.text).toContain("25,000 sats");
    expect(message?.payload.text).toContain(ALICE);
    expect(message?.payload.text).toContain("coffee beans");
    const data = message!.payload.reply_markup.inline_keyboard.flat().map((b: { callback_data?: string }) => b.callback_data);
    expect(data).toContain(`intent:approve:${pending.body.id}`);

    expect((await api("GET", `/v1/sign-intents/${pending.body.id}`, o.token)).body.status).toBe("pending_approval");
    expect((await press(o.telegramUserId, `intent:approve:${pending.body.id}`)).status).toBe(200);
    const approved = await api("GET", `/v1/sign-intents/${pending.body.id}`, o.token);
    expect(approved.body).toMatchObject({ status: "approved", decided_via: "chat", ticket: expect.any(String) });
    const edited = (await callsFor(env.TEST_TELEGRAM_API_ROOT, o.telegramUserId)).filter((c) => c.method === "editMessageText");
    expect(edited.at(-1)?.payload.text).toContain("Approved");

    const signed = await api("POST", `/v1/identities/${o.identityId}/sign`, o.token, { digest, ticket: approved.body.ticket });
    expect(signed.status).toBe(200);
    expect(verifySchnorr(o.publicKey, digest, signed.body.signature)).toBe(true);
    expect((await api("GET", `/v1/sign-intents/${pending.body.id}`, o.token)).body.status).toBe("used");
    expect((await api("POST", `/v1/identities/${o.identityId}/sign`, o.token, { digest, ticket: approved.body.ticket })).status).toBe(409);

    const actions = (await api("GET", "/v1/audit", o.token)).body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["intent.create", "intent.approve", "identity.sign"]));
  });

  it("approval follows the policy as it is now: a destination taken off the allowlist cannot be approved", async () => {
    const o = await owner();
    await setPolicy(o, { require_approval: true, allowed_destinations: [ALICE, BOB] });
    const pending = await intent(o, { amount_sats: 1000, destination: BOB });
    expect(pending.status).toBe(202);
    expect((await setPolicy(o, { require_approval: true, allowed_destinations: [ALICE] })).status).toBe(200);
    await press(o.telegramUserId, `intent:approve:${pending.body.id}`);
    expect((await api("GET", `/v1/sign-intents/${pending.body.id}`, o.token)).body.status).toBe("pending_approval");
    const edited = (await callsFor(env.TEST_TELEGRAM_API_ROOT, o.telegramUserId)).filter((c) => c.method === "editMessageText");
    expect(edited.at(-1)?.payload.text).toContain("no longer on this key's allowlist");
    const actions = (await api("GET", "/v1/audit", o.token)).body.items.map((e: { action: string }) => e.action);
    expect(actions).not.toContain("intent.approve");
  });

  it("deny leaves the agent without a ticket", async () => {
    const o = await owner();
    await setPolicy(o, { require_approval: true });
    const pending = await intent(o, { amount_sats: 1000, destination: BOB });
    await press(o.telegramUserId, `intent:deny:${pending.body.id}`);
    const state = await api("GET", `/v1/sign-intents/${pending.body.id}`, o.token);
    expect(state.body).toMatchObject({ status: "denied", decided_via: "chat" });
    expect(state.body.ticket).toBeUndefined();
    // A second press changes nothing and records nothing: one decision, one event.
    await press(o.telegramUserId, `intent:approve:${pending.body.id}`);
    expect((await api("GET", `/v1/sign-intents/${pending.body.id}`, o.token)).body.status).toBe("denied");
    const actions = (await api("GET", "/v1/audit", o.token)).body.items.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a.startsWith("intent."))).toEqual(["intent.deny", "intent.create"]);
  });

  it("the lying agent: a declared payment never auto-approves a raw digest, however small", async () => {
    const o = await owner();
    await setPolicy(o, { require_approval: true, auto_approve_max_sats: 1000 });
    expect((await intent(o)).status).toBe(202);
    // An agent declares 1 sat to an allowed address next to a digest that could be anything.
    expect((await intent(o, { amount_sats: 1, destination: ALICE })).status).toBe(202);
    expect((await intent(o, { amount_sats: 1000, destination: ALICE })).status).toBe(202);
    const batch = await api("POST", `/v1/identities/${o.identityId}/sign-batch`, o.token, { digests: [{ digest: randomDigest() }] });
    expect([batch.status, batch.body.code]).toEqual([403, "approval_required"]);
  });

  it("raw_digests: deny refuses every raw digest; approval asks the owner even without require_approval", async () => {
    const o = await owner();
    await setPolicy(o, { raw_digests: "deny" });
    const denied = await intent(o);
    expect([denied.status, denied.body.code]).toEqual([403, "policy_denied"]);
    expect(denied.body.error).toContain("PSBT");
    const batch = await api("POST", `/v1/identities/${o.identityId}/sign-batch`, o.token, { digests: [{ digest: randomDigest() }] });
    expect([batch.status, batch.body.code]).toEqual([403, "policy_denied"]);
    const other = await owner();
    await setPolicy(other, { raw_digests: "approval" });
    expect((await intent(other)).status).toBe(202);
  });

  it("refuses a destination outside the allowlist, creating nothing", async () => {
    const o = await owner();
    const set = await setPolicy(o, { allowed_destinations: [ALICE] });
    // An allowlist cannot cap a raw digest: setting one made raw digests need the owner.
    expect(set.body.raw_digests).toBe("approval");
    const before = await intentCount(o.identityId);
    const res = await intent(o, { amount_sats: 10, destination: BOB });
    expect([res.status, res.body.code]).toEqual([403, "policy_denied"]);
    expect(res.body.error).toContain("allowlist");
    expect(await intentCount(o.identityId)).toBe(before);
    expect((await intent(o, { amount_sats: 10, destination: ALICE })).status).toBe(202);
  });

  it("bad payments get a 400 and nothing is created", async () => {
    const o = await owner();
    for (const payment of [
      { amount_sats: -5, destination: ALICE },
      { amount_sats: 0, destination: ALICE },
      { amount_sats: 3e15, destination: ALICE },
      { amount_sats: 1.5, destination: ALICE },
      { amount_sats: "100", destination: ALICE },
      { amount_sats: 100, destination: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5" },
      { amount_sats: 100, destination: ALICE, memo: "x".repeat(281) },
      { amount_sats: 100 },
    ]) {
      const res = await intent(o, payment);
      expect(res.status, JSON.stringify(payment)).toBe(400);
    }
    expect(await intentCount(o.identityId)).toBe(0);
  });
});

describe("the daily limit holds under concurrency", () => {
  it("two auto-approved payments that each fit but not both: exactly one gets a ticket", async () => {
    const o = await owner();
    // Raw digests allowed on purpose: their declared payments still count against the limit.
    await setPolicy(o, { daily_limit_sats: 1000, raw_digests: "allow" });
    const [a, b] = await Promise.all([intent(o, { amount_sats: 600, destination: ALICE }), intent(o, { amount_sats: 600, destination: ALICE })]);
    expect([a.status, b.status].sort()).toEqual([201, 403]);
    expect(await intentCount(o.identityId)).toBe(1);
  });

  it("two pending payments approved at once: exactly one is approved", async () => {
    const o = await owner();
    await setPolicy(o, { require_approval: true, daily_limit_sats: 1000 });
    const first = await intent(o, { amount_sats: 600, destination: ALICE });
    const second = await intent(o, { amount_sats: 600, destination: ALICE });
    await Promise.all([press(o.telegramUserId, `intent:approve:${first.body.id}`), press(o.telegramUserId, `intent:approve:${second.body.id}`)]);
    const states = await Promise.all([first, second].map((p) => api("GET", `/v1/sign-intents/${p.body.id}`, o.token)));
    expect(states.map((s) => s.body.status).sort()).toEqual(["approved", "pending_approval"]);
    const actions = (await api("GET", "/v1/audit", o.token)).body.items.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === "intent.approve")).toHaveLength(1);
  });

  it("an approved amount is released when its ticket expires unused", async () => {
    const o = await owner();
    await setPolicy(o, { daily_limit_sats: 1000, raw_digests: "allow" });
    const first = await intent(o, { amount_sats: 800, destination: ALICE });
    expect(first.status).toBe(201);
    expect((await intent(o, { amount_sats: 800, destination: ALICE })).status).toBe(403);
    await env.DB.prepare("UPDATE sign_intents SET ticket_expires_ms = 1 WHERE id = ?").bind(first.body.id).run();
    expect((await intent(o, { amount_sats: 800, destination: ALICE })).status).toBe(201);
  });
});

describe("attacks on approval fail", () => {
  it("a bearer token alone cannot approve, even the owner's", async () => {
    const o = await owner();
    await setPolicy(o, { require_approval: true });
    const pending = await intent(o, { amount_sats: 500, destination: ALICE });
    for (const body of [undefined, {}, { init_data: "" }]) {
      const res = await api("POST", `/v1/sign-intents/${pending.body.id}/approve`, o.token, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect((await api("GET", `/v1/sign-intents/${pending.body.id}`, o.token)).body.status).toBe("pending_approval");
  });

  it("another owner cannot see or decide the request, in chat or the Mini App", async () => {
    const o = await owner();
    const intruder = await owner();
    await setPolicy(o, { require_approval: true });
    const pending = await intent(o, { amount_sats: 500, destination: ALICE });
    expect((await api("GET", `/v1/sign-intents/${pending.body.id}`, intruder.token)).status).toBe(404);
    await press(intruder.telegramUserId, `intent:approve:${pending.body.id}`, o.telegramUserId);
    const viaMiniApp = await api("POST", `/v1/sign-intents/${pending.body.id}/approve`, o.token, { init_data: await initDataFor(intruder.telegramUserId, pending.body.id) });
    expect(viaMiniApp.status).toBe(403);
    expect((await api("GET", `/v1/sign-intents/${pending.body.id}`, o.token)).body.status).toBe("pending_approval");
  });

  it("the Mini App approves with fresh init data from the owner; forged or stale init data fails", async () => {
    const o = await owner();
    await setPolicy(o, { require_approval: true });
    const pending = await intent(o, { amount_sats: 500, destination: ALICE });
    const path = `/v1/sign-intents/${pending.body.id}/approve`;
    const stale = await initData(o.telegramUserId, new Date(Date.now() - 600_000), TEST_BOT_TOKEN, pending.body.id);
    const forged = await initData(o.telegramUserId, new Date(), "1:someone-elses-bot-token-entirely", pending.body.id);
    expect((await api("POST", path, o.token, { init_data: stale })).status).toBe(401);
    expect((await api("POST", path, o.token, { init_data: forged })).status).toBe(401);
    expect((await api("POST", path, o.token, { init_data: (await initDataFor(o.telegramUserId, pending.body.id)).replace("Owner", "Mallory") })).status).toBe(401);
    const ok = await api("POST", path, o.token, { init_data: await initDataFor(o.telegramUserId, pending.body.id) });
    expect(ok.body).toMatchObject({ status: "approved", decided_via: "miniapp", ticket: expect.any(String) });
    const twice = await api("POST", path, o.token, { init_data: await initDataFor(o.telegramUserId, pending.body.id) });
    expect(twice.status).toBe(409);
  });

  it("approving after expiry does nothing, and the request answers 410", async () => {
    const o = await owner();
    await setPolicy(o, { require_approval: true });
    const pending = await intent(o, { amount_sats: 500, destination: ALICE });
    await env.DB.prepare("UPDATE sign_intents SET expires_ms = 1 WHERE id = ?").bind(pending.body.id).run();
    await press(o.telegramUserId, `intent:approve:${pending.body.id}`);
    const res = await api("GET", `/v1/sign-intents/${pending.body.id}`, o.token);
    expect([res.status, res.body.code]).toEqual([410, "intent_expired"]);
    const actions = (await api("GET", "/v1/audit", o.token)).body.items.map((e: { action: string }) => e.action);
    expect(actions).toContain("intent.expire");
    expect(actions).not.toContain("intent.approve");
  });
});

describe("agents that wait", () => {
  it("?wait=N holds the request open until the owner decides", async () => {
    const o = await owner();
    await setPolicy(o, { require_approval: true });
    const digest = randomDigest();
    const pending = await intent(o, { amount_sats: 500, destination: ALICE }, digest);
    const started = Date.now();
    const waiting = api("GET", `/v1/sign-intents/${pending.body.id}?wait=10`, o.token);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await press(o.telegramUserId, `intent:approve:${pending.body.id}`);
    const res = await waiting;
    expect(res.body).toMatchObject({ status: "approved", ticket: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(5000);
    // The ticket the waiter was woken with is the one D1 holds: it signs, once.
    const signed = await api("POST", `/v1/identities/${o.identityId}/sign`, o.token, { digest, ticket: res.body.ticket });
    expect(verifySchnorr(o.publicKey, digest, signed.body.signature)).toBe(true);
    expect((await api("GET", `/v1/sign-intents/${pending.body.id}?wait=26`, o.token)).status).toBe(400);

    // A denial wakes the waiter too, without a ticket.
    const denied = await intent(o, { amount_sats: 500, destination: ALICE });
    const waitingForDenial = api("GET", `/v1/sign-intents/${denied.body.id}?wait=10`, o.token);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await press(o.telegramUserId, `intent:deny:${denied.body.id}`);
    const answer = await waitingForDenial;
    expect(answer.body.status).toBe("denied");
    expect(answer.body.ticket).toBeUndefined();
  });
});
