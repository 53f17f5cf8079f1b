import { schnorr } from "@noble/curves/secp256k1.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateKey, mintTicket, newId, randomHex, startEnclave, type TestEnclave } from "./helpers.js";

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

describe("sign-batch", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave();
  });
  afterEach(() => enclave.close());

  async function items(k: { identityId: string; userId: string }, n: number) {
    return Promise.all(
      Array.from({ length: n }, async () => {
        const digest = randomHex(32);
        return { digest, ticket: await mintTicket({ sub: k.userId, iid: k.identityId, digest }) };
      }),
    );
  }

  it("signs every digest in order", async () => {
    const k = await generateKey(enclave);
    const batch = await items(k, 5);
    const res = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, items: batch });
    expect(res.status).toBe(200);
    expect(res.json.signatures).toHaveLength(5);
    res.json.signatures.forEach((sig: string, i: number) => {
      expect(schnorr.verify(hex(sig), hex(batch[i]!.digest), hex(k.publicKey.slice(2)))).toBe(true);
    });
    const again = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, items: batch.slice(2, 3) });
    expect(again.status).toBe(409);
  });

  it("one bad ticket → that error and nothing consumed; the good ones then sign alone", async () => {
    const k = await generateKey(enclave);
    const good = await items(k, 3);
    const badDigest = randomHex(32);
    const bad = { digest: badDigest, ticket: await mintTicket({ sub: newId(), iid: k.identityId, digest: badDigest }) };
    const res = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, items: [good[0], bad, good[1], good[2]] });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe("ticket_mismatch");
    const expired = { ...good[0]!, ticket: await mintTicket({ sub: k.userId, iid: k.identityId, digest: good[0]!.digest, expiresIn: -5 }) };
    const res2 = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, items: [good[1], expired] });
    expect(res2.status).toBe(410);
    const retry = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, items: good });
    expect(retry.status).toBe(200);
    expect(retry.json.signatures).toHaveLength(3);
  });

  it("a jti repeated within the batch → 409 and nothing consumed", async () => {
    const k = await generateKey(enclave);
    const [a] = await items(k, 1);
    const res = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, items: [a, a] });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe("ticket_replayed");
    expect((await enclave.post("/v1/keys/sign", { identity_id: k.identityId, ...a })).status).toBe(200);
  });

  it("a batch with an already used ticket consumes none of the others", async () => {
    const k = await generateKey(enclave);
    const [used, fresh] = await items(k, 2);
    expect((await enclave.post("/v1/keys/sign", { identity_id: k.identityId, ...used })).status).toBe(200);
    const res = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, items: [fresh, used] });
    expect(res.status).toBe(409);
    expect((await enclave.post("/v1/keys/sign", { identity_id: k.identityId, ...fresh })).status).toBe(200);
  });
});
