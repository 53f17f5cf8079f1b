import { schnorr } from "@noble/curves/secp256k1.js";
import { hexToBytes } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { call, createIdentity, createIdentityOnlyInBackup, randomDigest, signerHoldsKey, signIn, signIntent } from "./helpers.js";

describe("identities", () => {
  it("creates a secp256k1 identity with a compressed public key and lists it newest first", async () => {
    const { token, user } = await signIn();
    const first = await createIdentity(token);
    const second = await createIdentity(token);
    expect(first).toMatchObject({ user_id: user.id, alg: "secp256k1", status: "active" });
    expect(first.public_key).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(second.public_key).not.toBe(first.public_key);
    const list = await call("GET", "/v1/identities", { token });
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([second.id, first.id]);
  });

  it("keeps owners apart: another user's identity is 403 for every route", async () => {
    const owner = await signIn();
    const other = await signIn();
    const identity = await createIdentity(owner.token);
    const intent = await signIntent(owner.token, identity.id, randomDigest());
    const attempts = [
      call("DELETE", `/v1/identities/${identity.id}`, { token: other.token }),
      call("POST", `/v1/identities/${identity.id}/restore`, { token: other.token }),
      call("POST", `/v1/identities/${identity.id}/sign-intent`, { token: other.token, body: { digest: randomDigest() } }),
      call("POST", `/v1/identities/${identity.id}/sign-batch`, { token: other.token, body: { digests: [{ digest: randomDigest() }] } }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
    const stolen = await call("POST", `/v1/identities/${identity.id}/sign`, { token: other.token, body: { digest: "00".repeat(32), ticket: intent.ticket } });
    expect(stolen.status).toBe(403);
    expect((await call("GET", "/v1/identities", { token: other.token })).body.items).toEqual([]);
    expect((await call("GET", "/v1/identities", { token: owner.token })).body.items).toHaveLength(1);
  });

  it("destroy is final: the identity leaves the list, cannot sign and cannot be restored", async () => {
    const { token, user } = await signIn();
    const identity = await createIdentity(token);
    expect(await signerHoldsKey(identity.id, user.id)).toBe(true);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    expect((await call("DELETE", `/v1/identities/${identity.id}`, { token })).body).toEqual({ ok: true });
    expect((await call("GET", "/v1/identities", { token })).body.items).toEqual([]);
    const sign = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(sign.status).toBe(409);
    expect(sign.body.code).toBe("identity_not_active");
    expect((await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { digest } })).status).toBe(409);
    expect((await call("DELETE", `/v1/identities/${identity.id}`, { token })).status).toBe(409);
    expect((await call("POST", `/v1/identities/${identity.id}/restore`, { token })).status).toBe(409);
    expect(await signerHoldsKey(identity.id, user.id)).toBe(false);
  });

  it("restore re-imports the sealed backup; the public key comes from the backup", async () => {
    const { token } = await signIn();
    const identity = await createIdentityOnlyInBackup(token);
    const claimed = await call("POST", `/v1/identities/${identity.id}/restore`, { token, body: { public_key: "02".padEnd(66, "1") } });
    expect(claimed.status).toBe(409);
    expect(claimed.body.code).toBe("key_conflict");
    const audit = await call("GET", "/v1/audit", { token });
    expect(audit.body.items.map((e: { action: string }) => e.action)).not.toContain("identity.restore");
    const ok = await call("POST", `/v1/identities/${identity.id}/restore`, { token });
    expect(ok.status).toBe(200);
    expect(ok.body.public_key).toBe(identity.public_key);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    const sign = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(schnorr.verify(hexToBytes(sign.body.signature), hexToBytes(digest), hexToBytes(identity.public_key.slice(2)))).toBe(true);
  });

  it("unknown ids are 404 and malformed ids 400", async () => {
    const { token } = await signIn();
    const unknown = await call("DELETE", `/v1/identities/${crypto.randomUUID()}`, { token });
    expect(unknown.status).toBe(404);
    const malformed = await call("DELETE", "/v1/identities/not-a-uuid", { token });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("invalid_id");
  });
});
