import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { verifySchnorr } from "@clw/shared";
import { call, createIdentity, freshTelegramId, randomDigest, signIn } from "./helpers.js";
import { botEnv } from "./telegram.js";

const roomy = { RATE_LIMIT_PER_USER: "100000", RATE_LIMIT_PER_IDENTITY_SIGN: "100000" };

async function testSignIn(telegramUserId: unknown) {
  const challenge = await call("POST", "/v1/auth/challenge", { body: { telegram_user_id: telegramUserId } });
  expect(challenge.status, JSON.stringify(challenge.body)).toBe(201);
  return call("POST", "/v1/auth/verify", { body: { challenge_id: challenge.body.challenge_id } });
}

describe("the original contract's request fields", () => {
  it("a string telegram_user_id names a test user in test mode, the same user every time", async () => {
    const name = `e2e_user_${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    const first = await testSignIn(name);
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({ telegram_user_id: name, status: "active" });
    const second = await testSignIn(name);
    expect(second.body.user.id).toBe(first.body.user.id);
    const other = await testSignIn(`${name}_other`);
    expect(other.body.user.id).not.toBe(first.body.user.id);
  });

  it("a numeric string is Telegram's id: the same user as the integer", async () => {
    const id = freshTelegramId();
    const asNumber = await testSignIn(id);
    const asString = await testSignIn(String(id));
    expect(asString.body.user).toMatchObject({ id: asNumber.body.user.id, telegram_user_id: String(id), status: "active" });
  });

  it("with a bot configured, a name binds nothing: the challenge waits for whoever opens the link", async () => {
    const challenge = await call("POST", "/v1/auth/challenge", { body: { telegram_user_id: "test_user" }, env: botEnv() });
    expect(challenge.status).toBe(201);
    expect(challenge.body.deep_link).toMatch(/^https:\/\/t\.me\//);
    const row = await env.DB.prepare("SELECT status, telegram_user_id, test_user FROM challenges WHERE id = ?").bind(challenge.body.challenge_id).first();
    expect(row).toEqual({ status: "pending", telegram_user_id: null, test_user: null });
  });

  it("POST /v1/identities takes {} , no body, or {alg: secp256k1}; any other alg is 400", async () => {
    const { token } = await signIn();
    for (const body of [{ alg: "secp256k1" }, {}, undefined]) {
      const res = await call("POST", "/v1/identities", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(201);
      expect(res.body).toMatchObject({ alg: "secp256k1", status: "active" });
    }
    for (const body of [{ alg: "ed25519" }, { alg: "SECP256K1" }, { alg: 1 }, { alg: "secp256k1", curve: "x" }]) {
      const res = await call("POST", "/v1/identities", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe("bad_request");
    }
    expect((await call("GET", "/v1/identities", { token })).body.items).toHaveLength(3);
  });

  it("sign-intent and sign-batch items accept scope: sign, and nothing else", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const intent = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { digest, scope: "sign" } });
    expect(intent.status).toBe(201);
    expect(intent.body.scope).toBe("sign");
    const bad = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { digest, scope: "admin" } });
    expect(bad.status).toBe(400);
    const batch = await call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body: { digests: [{ digest, scope: "sign" }] } });
    expect(batch.status).toBe(200);
    const badBatch = await call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body: { digests: [{ digest, scope: "export" }] } });
    expect(badBatch.status).toBe(400);
  });

  it("restore takes the public_key the original CLI remembers, and refuses one that differs without changing anything", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const other = await createIdentity(token);
    const same = await call("POST", `/v1/identities/${identity.id}/restore`, { token, body: { public_key: identity.public_key.toUpperCase().replace(/^0([23])/, "0$1") } });
    expect(same.status).toBe(200);
    expect(same.body.public_key).toBe(identity.public_key);
    const auditBefore = (await call("GET", "/v1/audit", { token })).body.count;
    const differs = await call("POST", `/v1/identities/${identity.id}/restore`, { token, body: { public_key: other.public_key } });
    expect(differs.status).toBe(409);
    expect(differs.body.code).toBe("key_conflict");
    expect((await call("GET", "/v1/audit", { token })).body.count).toBe(auditBefore);
    const malformed = await call("POST", `/v1/identities/${identity.id}/restore`, { token, body: { public_key: "04abcd" } });
    expect(malformed.status).toBe(400);
  });
});

describe("sign-batch at every size the contract allows", () => {
  for (const size of [1, 5, 6, 50, 100]) {
    it(`signs ${size} digest(s), each verifying against the identity's key`, async () => {
      const { token } = await signIn();
      const identity = await createIdentity(token);
      const digests = Array.from({ length: size }, randomDigest);
      const res = await call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body: { digests: digests.map((digest) => ({ digest })) }, env: roomy });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.signatures).toHaveLength(size);
      res.body.signatures.forEach((signature: string, i: number) => expect(verifySchnorr(identity.public_key, digests[i]!, signature)).toBe(true));
    });
  }

  it("101 digests are 400, and nothing is signed", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digests = Array.from({ length: 101 }, () => ({ digest: randomDigest() }));
    const res = await call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body: { digests }, env: roomy });
    expect(res.status).toBe(400);
    const audit = await call("GET", "/v1/audit", { token });
    expect(audit.body.items.map((e: { action: string }) => e.action)).not.toContain("identity.sign");
  });
});
