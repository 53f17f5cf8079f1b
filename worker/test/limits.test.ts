import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createIdentity, freshTelegramId, randomDigest, signIn, signIntent } from "./helpers.js";
import { callsFor, deliver, saidIn, textUpdate } from "./telegram.js";

// These run with wrangler.toml's limits (60 requests per user, 20 signatures per identity per
// minute) and the default env, so every request shares the isolate's counters.

describe("rate limits that hold under attack", () => {
  it("40 concurrent sign-batch calls of 5 make at most 20 signatures in a window limited to 20", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const calls = Array.from({ length: 40 }, () =>
      call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body: { digests: Array.from({ length: 5 }, () => ({ digest: randomDigest() })) } }),
    );
    const started = Date.now();
    const answers = await Promise.all(calls);
    // A one-minute window: should the test straddle two, each may hold 20.
    const windows = Math.floor(Date.now() / 60_000) - Math.floor(started / 60_000) + 1;
    const signed = answers.filter((a) => a.status === 200).reduce((n, a) => n + a.body.signatures.length, 0);
    expect(signed).toBeGreaterThanOrEqual(20);
    expect(signed).toBeLessThanOrEqual(20 * windows);
    expect(answers.filter((a) => a.status === 429).length).toBe(40 - signed / 5);
    expect(answers.find((a) => a.status === 429)?.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("a refused signature does not use up the identity's allowance", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    expect((await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } })).status).toBe(200);
    // 25 replays of a used ticket: each refused with 409, none counted.
    for (let i = 0; i < 25; i++) {
      expect((await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } })).status).toBe(409);
    }
    const batch = await call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body: { digests: Array.from({ length: 19 }, () => ({ digest: randomDigest() })) } });
    expect(batch.status).toBe(200);
  });

  it("a revoked token does not spend its owner's rate limit", async () => {
    const telegramUserId = freshTelegramId();
    const revoked = await signIn(telegramUserId);
    expect((await call("POST", "/v1/auth/logout", { token: revoked.token })).status).toBe(200);
    const identity = await createIdentity((await signIn(telegramUserId)).token);
    for (let i = 0; i < 65; i++) {
      const res = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token: revoked.token, body: { digest: randomDigest() } });
      expect(res.status).toBe(401);
      expect((await call("GET", "/v1/identities", { token: revoked.token })).status).toBe(401);
    }
    const live = await signIn(telegramUserId);
    expect((await call("GET", "/v1/identities", { token: live.token })).status).toBe(200);
  });
});

describe("caps per user", () => {
  it("a user cannot hold more active keys than MAX_IDENTITIES_PER_USER, through the API or the bot", async () => {
    const capped = { MAX_IDENTITIES_PER_USER: "3" };
    const telegramUserId = freshTelegramId();
    const { token } = await signIn(telegramUserId);
    for (let i = 0; i < 3; i++) expect((await call("POST", "/v1/identities", { token, env: capped })).status).toBe(201);
    const over = await call("POST", "/v1/identities", { token, env: capped });
    expect([over.status, over.body.code]).toEqual([409, "limit_reached"]);
    expect((await deliver(textUpdate(telegramUserId, "/new"), { env: capped })).status).toBe(200);
    expect(saidIn(await callsFor(env.TEST_TELEGRAM_API_ROOT, telegramUserId)).join("\n")).toContain("most keys allowed");
    expect((await call("GET", "/v1/identities", { token })).body.items).toHaveLength(3);
  });

  it("requests waiting for the owner are capped by MAX_PENDING_REQUESTS_PER_USER", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const policy = { require_approval: true, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null };
    expect((await call("PUT", `/v1/identities/${identity.id}/policy`, { token, body: policy })).status).toBe(200);
    const capped = { MAX_PENDING_REQUESTS_PER_USER: "2" };
    for (let i = 0; i < 2; i++) expect((await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { digest: randomDigest() }, env: capped })).status).toBe(202);
    const over = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { digest: randomDigest() }, env: capped });
    expect([over.status, over.body.code]).toEqual([429, "limit_reached"]);
    const pending = await env.DB.prepare("SELECT count(*) AS n FROM sign_intents WHERE identity_id = ? AND status = 'pending_approval'").bind(identity.id).first<{ n: number }>();
    expect(pending?.n).toBe(2);
  });
});

describe("unauthenticated routes that do real work are limited", () => {
  it("/health?deep=1 and /v1/auth/verify answer 429 past the limit; plain /health never does", async () => {
    const limits = { RATE_LIMIT_PER_USER: "3" };
    const deep = [];
    for (let i = 0; i < 5; i++) deep.push((await call("GET", "/health?deep=1", { env: limits, headers: { "cf-connecting-ip": "203.0.113.7" } })).status);
    expect(deep).toContain(429);
    const verify = [];
    for (let i = 0; i < 8; i++) {
      verify.push((await call("POST", "/v1/auth/verify", { body: { challenge_id: crypto.randomUUID() }, env: limits, headers: { "cf-connecting-ip": "203.0.113.8" } })).status);
    }
    expect(verify).toContain(429);
    for (let i = 0; i < 10; i++) expect((await call("GET", "/health", { env: limits })).status).toBe(200);
  });
});

