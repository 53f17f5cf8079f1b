import { schnorr } from "@noble/curves/secp256k1.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  generateKey, mintSessionToken, mintTicket, newId, randomHex, signOnce, startEnclave, type TestEnclave,
} from "./helpers.js";

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

describe("generate and sign", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave();
  });
  afterEach(() => enclave.close());

  it("generates a compressed key and a signature that @noble/curves verifies", async () => {
    const k = await generateKey(enclave);
    expect(k.publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(k.sealedKey).toMatch(/^v1\.local\./);
    const digest = randomHex(32);
    const res = await signOnce(enclave, k, `0x${digest.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.json.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(schnorr.verify(hex(res.json.signature), hex(digest), hex(k.publicKey.slice(2)))).toBe(true);
    expect(schnorr.verify(hex(res.json.signature), hex(randomHex(32)), hex(k.publicKey.slice(2)))).toBe(false);
  });

  it("answers 409 key_exists when the identity already has a key", async () => {
    const k = await generateKey(enclave);
    const res = await enclave.post("/v1/keys/generate", { identity_id: k.identityId, user_id: k.userId });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe("key_exists");
    expect((await signOnce(enclave, k)).status).toBe(200);
  });

  it("destroy then sign → 404 key_not_found; destroying twice is ok", async () => {
    const k = await generateKey(enclave);
    const first = await enclave.post("/v1/keys/destroy", { identity_id: k.identityId });
    expect(first).toEqual({ status: 200, json: { ok: true, existed: true } });
    const res = await signOnce(enclave, k);
    expect(res.status).toBe(404);
    expect(res.json.code).toBe("key_not_found");
    const second = await enclave.post("/v1/keys/destroy", { identity_id: k.identityId });
    expect(second).toEqual({ status: 200, json: { ok: true, existed: false } });
  });

  it("has no route that hands out a key's backup, even for a key it holds", async () => {
    const k = await generateKey(enclave);
    const res = await enclave.post("/v1/keys/export", { identity_id: k.identityId });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.json)).not.toContain(k.sealedKey);
  });

  it("a destroyed identity never comes back: its backup is refused, and so is a new key for it", async () => {
    const k = await generateKey(enclave);
    await enclave.post("/v1/keys/destroy", { identity_id: k.identityId });
    const restore = await enclave.post("/v1/keys/import", { identity_id: k.identityId, user_id: k.userId, sealed_key: k.sealedKey });
    expect([restore.status, restore.json.code]).toEqual([409, "identity_not_active"]);
    const regenerate = await enclave.post("/v1/keys/generate", { identity_id: k.identityId, user_id: k.userId });
    expect([regenerate.status, regenerate.json.code]).toEqual([409, "identity_not_active"]);
    expect((await signOnce(enclave, k)).json.code).toBe("key_not_found");
  });

  it("a destroy that arrives before the key (a restore still travelling) wins all the same", async () => {
    const k = await generateKey(enclave);
    const other = await startEnclave({ sealer: enclave.sealer });
    try {
      expect((await other.post("/v1/keys/destroy", { identity_id: k.identityId })).json).toEqual({ ok: true, existed: false });
      const late = await other.post("/v1/keys/import", { identity_id: k.identityId, user_id: k.userId, sealed_key: k.sealedKey });
      expect(late.status).toBe(409);
    } finally {
      await other.close();
    }
  });
});

describe("ticket checks", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave();
  });
  afterEach(() => enclave.close());

  async function attempt(ticketFor: (k: { identityId: string; userId: string }, digest: string) => Promise<string>) {
    const k = await generateKey(enclave);
    const digest = randomHex(32);
    const ticket = await ticketFor(k, digest);
    return enclave.post("/v1/keys/sign", { identity_id: k.identityId, digest, ticket });
  }

  const cases: Array<[string, number, string, Parameters<typeof attempt>[0]]> = [
    ["wrong secret", 401, "invalid_ticket", (k, d) => mintTicket({ sub: k.userId, iid: k.identityId, digest: d, secret: "another-secret-0123456789abc" })],
    ["expired", 410, "ticket_expired", (k, d) => mintTicket({ sub: k.userId, iid: k.identityId, digest: d, expiresIn: -10 })],
    ["session token", 401, "invalid_ticket", (k) => mintSessionToken(k.userId)],
    ["ticket typ, session audience", 401, "invalid_ticket", (k, d) => mintTicket({ sub: k.userId, iid: k.identityId, digest: d, audience: "clw-cash:session" })],
    ["session typ, ticket audience", 401, "invalid_ticket", (k, d) => mintTicket({ sub: k.userId, iid: k.identityId, digest: d, typ: "session+jwt" })],
    ["wrong scope", 401, "invalid_ticket", (k, d) => mintTicket({ sub: k.userId, iid: k.identityId, digest: d, scope: "admin" })],
    ["garbage", 401, "invalid_ticket", async () => "not.a.jwt"],
    ["wrong identity", 403, "ticket_mismatch", (k, d) => mintTicket({ sub: k.userId, iid: newId(), digest: d })],
    ["wrong digest", 403, "ticket_mismatch", (k) => mintTicket({ sub: k.userId, iid: k.identityId, digest: randomHex(32) })],
    ["wrong owner", 403, "ticket_mismatch", (k, d) => mintTicket({ sub: newId(), iid: k.identityId, digest: d })],
  ];
  for (const [label, status, code, ticketFor] of cases) {
    it(`${label} → ${status} ${code}`, async () => {
      const res = await attempt(ticketFor);
      expect(res.status).toBe(status);
      expect(res.json.code).toBe(code);
    });
  }

  it("a replayed ticket → 409 ticket_replayed", async () => {
    const k = await generateKey(enclave);
    const digest = randomHex(32);
    const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest });
    const body = { identity_id: k.identityId, digest, ticket };
    expect((await enclave.post("/v1/keys/sign", body)).status).toBe(200);
    const again = await enclave.post("/v1/keys/sign", body);
    expect(again.status).toBe(409);
    expect(again.json.code).toBe("ticket_replayed");
  });

  it("30 concurrent sign calls with one ticket → exactly one 200 and 29 × 409", async () => {
    const k = await generateKey(enclave);
    const digest = randomHex(32);
    const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest });
    const results = await Promise.all(
      Array.from({ length: 30 }, () => enclave.post("/v1/keys/sign", { identity_id: k.identityId, digest, ticket })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const replays = results.filter((r) => r.status === 409);
    expect(replays).toHaveLength(29);
    expect(replays.every((r) => r.json.code === "ticket_replayed")).toBe(true);
  });

  it("a mismatched ticket does not consume its nonce", async () => {
    const k = await generateKey(enclave);
    const digest = randomHex(32);
    const jti = randomHex(16);
    const wrong = await mintTicket({ sub: k.userId, iid: k.identityId, digest: randomHex(32), jti });
    expect((await enclave.post("/v1/keys/sign", { identity_id: k.identityId, digest, ticket: wrong })).status).toBe(403);
    const right = await mintTicket({ sub: k.userId, iid: k.identityId, digest, jti });
    expect((await enclave.post("/v1/keys/sign", { identity_id: k.identityId, digest, ticket: right })).status).toBe(200);
  });

  it("key_not_found does not consume the nonce: import the backup, the same ticket then signs", async () => {
    const k = await generateKey(enclave);
    const fresh = await startEnclave({ sealer: enclave.sealer });
    try {
      const digest = randomHex(32);
      const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest });
      const body = { identity_id: k.identityId, digest, ticket };
      const missing = await fresh.post("/v1/keys/sign", body);
      expect(missing.status).toBe(404);
      expect(missing.json.code).toBe("key_not_found");
      const imported = await fresh.post("/v1/keys/import", { identity_id: k.identityId, user_id: k.userId, sealed_key: k.sealedKey });
      expect(imported.json).toEqual({ identity_id: k.identityId, public_key: k.publicKey, imported: true });
      const signed = await fresh.post("/v1/keys/sign", body);
      expect(signed.status).toBe(200);
      expect(schnorr.verify(hex(signed.json.signature), hex(digest), hex(k.publicKey.slice(2)))).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
