import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEvervaultSealer } from "../src/sealing-evervault.js";
import { createLocalSealer } from "../src/sealing.js";
import { startFakeEvervault, type FakeEvervault } from "./fake-evervault.js";
import { generateKey, newId, randomHex, signOnce, startEnclave, type TestEnclave, getHealth } from "./helpers.js";

describe("evervault sealing (against a fake in-enclave crypto API)", () => {
  let fake: FakeEvervault;
  let enclave: TestEnclave;
  beforeEach(async () => {
    fake = await startFakeEvervault();
    enclave = await startEnclave({ sealer: createEvervaultSealer({ baseUrl: fake.url }) });
  });
  afterEach(async () => {
    await enclave.close();
    await fake.close();
  });

  const importKey = (e: TestEnclave, identity_id: string, user_id: string, sealed_key: string) =>
    e.post("/v1/keys/import", { identity_id, user_id, sealed_key });

  it("seals through the crypto API and restores on another enclave", async () => {
    const health = await getHealth(enclave.url);
    expect(health.sealing_mode).toBe("evervault");
    const k = await generateKey(enclave);
    expect(k.sealedKey).toMatch(/^v1\.evervault\.ev:/);
    expect(k.sealedKey).not.toContain(k.publicKey);
    expect(fake.calls).toContain("/encrypt");
    const other = await startEnclave({ sealer: createEvervaultSealer({ baseUrl: fake.url }) });
    try {
      const res = await importKey(other, k.identityId, k.userId, k.sealedKey);
      expect(res.json).toEqual({ identity_id: k.identityId, public_key: k.publicKey, imported: true });
      expect(fake.calls).toContain("/decrypt");
      expect((await signOnce(other, k)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it("refuses a blob moved to another identity or owner, or tampered", async () => {
    const k = await generateKey(enclave);
    // Flip one character of the ciphertext itself, keeping Evervault's shape.
    const parts = k.sealedKey.split(":");
    parts[4] = parts[4]!.slice(0, 4) + (parts[4]![4] === "A" ? "B" : "A") + parts[4]!.slice(5);
    const tampered = parts.join(":");
    const attempts: Array<[string, string, string]> = [
      [newId(), k.userId, k.sealedKey],
      [k.identityId, newId(), k.sealedKey],
      [k.identityId, k.userId, tampered],
      [k.identityId, k.userId, "v1.evervault.not-ev"],
    ];
    for (const [identityId, userId, sealed] of attempts) {
      const res = await importKey(enclave, identityId, userId, sealed);
      expect(res.status).toBe(400);
      expect(res.json.code).toBe("sealed_key_invalid");
    }
  });

  it("refuses a local blob in evervault mode, naming the mode mismatch (no fallback)", async () => {
    const identityId = newId();
    const userId = newId();
    const local = await createLocalSealer(randomHex(32)).seal(new Uint8Array(32).fill(9), { identityId, userId });
    const res = await importKey(enclave, identityId, userId, local);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code: "sealed_key_invalid", error: expect.stringMatching(/local mode.*evervault mode/) });
    expect(fake.calls).not.toContain("/decrypt");
  });

  it("refuses an evervault blob in local mode, naming the mode mismatch (no fallback)", async () => {
    const k = await generateKey(enclave);
    const local = await startEnclave();
    try {
      const res = await importKey(local, k.identityId, k.userId, k.sealedKey);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ code: "sealed_key_invalid", error: expect.stringMatching(/evervault mode.*local mode/) });
    } finally {
      await local.close();
    }
  });

  it("an unreachable crypto API → 502 enclave_error, no key stored", async () => {
    const down = await startEnclave({ sealer: createEvervaultSealer({ baseUrl: "http://127.0.0.1:1", timeoutMs: 1000 }) });
    try {
      const res = await down.post("/v1/keys/generate", { identity_id: newId(), user_id: newId() });
      expect(res.status).toBe(502);
      expect(res.json.code).toBe("enclave_error");
      expect((await getHealth(down.url)).keys).toBe(0);
    } finally {
      await down.close();
    }
  });
});
