import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalSealer } from "../src/sealing.js";
import { generateKey, newId, randomHex, signOnce, startEnclave, type TestEnclave, getHealth } from "./helpers.js";

function tamper(sealed: string): string {
  const prefix = "v1.local.";
  const raw = Buffer.from(sealed.slice(prefix.length), "base64url");
  raw[20] = raw[20]! ^ 0x01;
  return prefix + raw.toString("base64url");
}

describe("local sealing", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave();
  });
  afterEach(() => enclave.close());

  const importKey = (e: TestEnclave, identity_id: string, user_id: string, sealed_key: string) =>
    e.post("/v1/keys/import", { identity_id, user_id, sealed_key });

  it("round trip: the backup from generate restores the same key on another enclave", async () => {
    const k = await generateKey(enclave);
    expect(k.sealedKey).toMatch(/^v1\.local\./);
    const other = await startEnclave({ sealer: enclave.sealer });
    try {
      const res = await importKey(other, k.identityId, k.userId, k.sealedKey);
      expect(res.json).toEqual({ identity_id: k.identityId, public_key: k.publicKey, imported: true });
      expect((await signOnce(other, k)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it("importing the same key again → imported:false", async () => {
    const k = await generateKey(enclave);
    const res = await importKey(enclave, k.identityId, k.userId, k.sealedKey);
    expect(res).toEqual({ status: 200, json: { identity_id: k.identityId, public_key: k.publicKey, imported: false } });
  });

  it("rejects tampered blobs, a wrong sealing key, and blobs moved to another identity or owner", async () => {
    const k = await generateKey(enclave);
    const foreign = await createLocalSealer(randomHex(32)).seal(new Uint8Array(32).fill(7), { identityId: k.identityId, userId: k.userId });
    const attempts: Array<[string, string, string]> = [
      [k.identityId, k.userId, tamper(k.sealedKey)],
      [k.identityId, k.userId, foreign],
      [newId(), k.userId, k.sealedKey],
      [k.identityId, newId(), k.sealedKey],
      [k.identityId, k.userId, "v1.local.AAAA"],
      [k.identityId, k.userId, "something-else"],
    ];
    const other = await startEnclave({ sealer: enclave.sealer });
    try {
      for (const [identityId, userId, sealed] of attempts) {
        const res = await importKey(other, identityId, userId, sealed);
        expect(res.status).toBe(400);
        expect(res.json.code).toBe("sealed_key_invalid");
      }
      expect((await getHealth(other.url)).keys).toBe(0);
    } finally {
      await other.close();
    }
  });

  it("importing a different key for a held identity → 409 key_conflict; the old key still signs", async () => {
    const k = await generateKey(enclave);
    const donor = await startEnclave({ sealer: enclave.sealer });
    try {
      const otherKey = await donor.post("/v1/keys/generate", { identity_id: k.identityId, user_id: k.userId });
      expect(otherKey.json.public_key).not.toBe(k.publicKey);
      const res = await importKey(enclave, k.identityId, k.userId, otherKey.json.sealed_key);
      expect(res.status).toBe(409);
      expect(res.json.code).toBe("key_conflict");
      expect((await signOnce(enclave, k)).status).toBe(200);
      const reimport = await importKey(enclave, k.identityId, k.userId, k.sealedKey);
      expect(reimport.json.public_key).toBe(k.publicKey);
    } finally {
      await donor.close();
    }
  });
});
