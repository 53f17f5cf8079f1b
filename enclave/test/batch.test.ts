import { schnorr } from "@noble/curves/secp256k1.js";
import { batchHash } from "@clw/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateKey, mintTicket, randomHex, startEnclave, type TestEnclave } from "./helpers.js";

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

describe("sign-batch: one ticket bound to exactly these digests, in this order", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave();
  });
  afterEach(() => enclave.close());

  const digestsOf = (n: number) => Array.from({ length: n }, () => randomHex(32));
  const batchTicket = (k: { identityId: string; userId: string }, digests: string[], extra: { expiresIn?: number } = {}) =>
    mintTicket({ sub: k.userId, iid: k.identityId, digest: digests[0]!, dgh: batchHash(digests), knd: "batch", ...extra });

  it("signs every digest in order, up to 100, once", async () => {
    const k = await generateKey(enclave);
    const digests = digestsOf(100);
    const ticket = await batchTicket(k, digests);
    const res = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, digests, ticket });
    expect(res.status).toBe(200);
    expect(res.json.signatures).toHaveLength(100);
    res.json.signatures.forEach((sig: string, i: number) => expect(schnorr.verify(hex(sig), hex(digests[i]!), hex(k.publicKey.slice(2)))).toBe(true));
    const again = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, digests, ticket });
    expect([again.status, again.json.code]).toEqual([409, "ticket_replayed"]);
  });

  it("another order, another digest, one more or one fewer: 403 and nothing consumed", async () => {
    const k = await generateKey(enclave);
    const digests = digestsOf(3);
    const ticket = await batchTicket(k, digests);
    for (const other of [[digests[1]!, digests[0]!, digests[2]!], [digests[0]!, digests[1]!, randomHex(32)], [...digests, randomHex(32)], digests.slice(0, 2)]) {
      const res = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, digests: other, ticket });
      expect([res.status, res.json.code]).toEqual([403, "ticket_mismatch"]);
    }
    expect((await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, digests, ticket })).status).toBe(200);
  });

  it("a digest ticket signs no batch and a batch ticket no single digest; expired is 410; over 100 is 400", async () => {
    const k = await generateKey(enclave);
    const [digest] = digestsOf(1);
    const digestTicket = await mintTicket({ sub: k.userId, iid: k.identityId, digest: digest! });
    expect((await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, digests: [digest], ticket: digestTicket })).status).toBe(403);
    const asBatch = await batchTicket(k, [digest!]);
    expect((await enclave.post("/v1/keys/sign", { identity_id: k.identityId, digest, ticket: asBatch })).status).toBe(403);
    const expired = await batchTicket(k, [digest!], { expiresIn: -5 });
    expect((await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, digests: [digest], ticket: expired })).status).toBe(410);
    const tooMany = digestsOf(101);
    expect((await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, digests: tooMany, ticket: await batchTicket(k, tooMany) })).status).toBe(400);
    expect((await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, digests: [digest], ticket: asBatch })).status).toBe(200);
  });
});
