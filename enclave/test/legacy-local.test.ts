import { readFileSync } from "node:fs";
import { schnorr } from "@noble/curves/secp256k1.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLegacyOpener } from "../src/legacy-sealing.js";
import { createLocalSealer } from "../src/sealing.js";
import { getHealth, newId, randomHex, signOnce, startEnclave, type TestEnclave } from "./helpers.js";
import { oldKey, oldSealLocal, tamperOldLocal } from "./old-signer.js";

const LEGACY_KEY = randomHex(32);
const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

describe("legacy local backups (iv:ciphertext:tag under LEGACY_SEALING_KEY)", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave({ legacy: createLegacyOpener({ mode: "local", sealingKeyHex: LEGACY_KEY }) });
  });
  afterEach(() => enclave.close());

  const importKey = (e: TestEnclave, body: Record<string, unknown>) => e.post("/v1/keys/import", body);

  it("imports, signs, and answers a re-sealed backup that a fresh signer opens without the legacy key", async () => {
    const key = oldKey();
    const ids = { identity_id: newId(), user_id: newId() };
    const res = await importKey(enclave, { ...ids, sealed_key: oldSealLocal(key.privateKeyHex, LEGACY_KEY), public_key: key.publicKey });
    expect(res).toEqual({ status: 200, json: { identity_id: ids.identity_id, public_key: key.publicKey, imported: true, resealed_key: expect.stringMatching(/^v1\.local\./) } });
    expect(res.json.resealed_key).not.toContain(key.privateKeyHex);

    const fresh = await startEnclave({ sealer: enclave.sealer });
    try {
      const again = await importKey(fresh, { ...ids, sealed_key: res.json.resealed_key });
      expect(again.json).toEqual({ identity_id: ids.identity_id, public_key: key.publicKey, imported: true });
      const digest = randomHex(32);
      const signed = await signOnce(fresh, { identityId: ids.identity_id, userId: ids.user_id }, digest);
      expect(schnorr.verify(hex(signed.json.signature), hex(digest), hex(key.publicKey.slice(2)))).toBe(true);
      // The re-sealed backup is bound to its identity and owner, as every current one is.
      expect((await importKey(fresh, { identity_id: newId(), user_id: ids.user_id, sealed_key: res.json.resealed_key })).json.code).toBe("sealed_key_invalid");
    } finally {
      await fresh.close();
    }
  });

  it("importing again while the key is held → imported:false, with a fresh re-sealed backup", async () => {
    const key = oldKey();
    const body = { identity_id: newId(), user_id: newId(), sealed_key: oldSealLocal(key.privateKeyHex, LEGACY_KEY), public_key: key.publicKey };
    const first = await importKey(enclave, body);
    const second = await importKey(enclave, body);
    expect(second.json).toMatchObject({ public_key: key.publicKey, imported: false, resealed_key: expect.stringMatching(/^v1\.local\./) });
    expect(second.json.resealed_key).not.toBe(first.json.resealed_key);
  });

  it("opens the backup the old API actually wrote, under the old signer's development SEALING_KEY", async () => {
    // From the old repository's api/api-data/key-backups.json (removed there in 47350ae).
    const file = JSON.parse(readFileSync(new URL("./fixtures/old-key-backups.json", import.meta.url), "utf8"));
    const [record] = Object.values(file) as Array<{ identity_id: string; sealed_key: string }>;
    const devKey = `${"0".repeat(63)}1`;
    const old = await startEnclave({ legacy: createLegacyOpener({ mode: "local", sealingKeyHex: devKey }) });
    try {
      const publicKey = "02c06533505c29e01d39459f2537133ae20b0a89ad14941efe9d4bb530d65e9854";
      const res = await importKey(old, { identity_id: record!.identity_id, user_id: newId(), sealed_key: record!.sealed_key, public_key: publicKey });
      expect(res.json).toMatchObject({ public_key: publicKey, imported: true, resealed_key: expect.stringMatching(/^v1\.local\./) });
    } finally {
      await old.close();
    }
  });

  it("refuses what does not open, naming why, and the key store stays empty", async () => {
    const key = oldKey();
    const sealed = oldSealLocal(key.privateKeyHex, LEGACY_KEY);
    const [iv, ciphertext, tag] = sealed.split(":");
    const cases: Array<[string, string, number, string, RegExp]> = [
      ["another legacy key", oldSealLocal(key.privateKeyHex, randomHex(32)), 400, "sealed_key_invalid", /does not open under LEGACY_SEALING_KEY/],
      ["a tampered ciphertext", tamperOldLocal(sealed), 400, "sealed_key_invalid", /does not open/],
      ["a tampered tag", `${iv}:${ciphertext}:${"0".repeat(32)}`, 400, "sealed_key_invalid", /does not open/],
      ["a 16-byte IV", `${randomHex(16)}:${ciphertext}:${tag}`, 400, "sealed_key_invalid", /malformed/],
      ["a short ciphertext", `${iv}:${ciphertext!.slice(0, 64)}:${tag}`, 400, "sealed_key_invalid", /malformed/],
      ["a plaintext that is not hex", oldSealLocal("", LEGACY_KEY, "z".repeat(64)), 400, "sealed_key_invalid", /64-character hex/],
      ["a zero key", oldSealLocal("", LEGACY_KEY, "0".repeat(64)), 400, "sealed_key_invalid", /invalid secp256k1 key/],
      ["a key past the curve order", oldSealLocal("", LEGACY_KEY, "f".repeat(64)), 400, "sealed_key_invalid", /invalid secp256k1 key/],
    ];
    for (const [label, sealedKey, status, code, message] of cases) {
      const res = await importKey(enclave, { identity_id: newId(), user_id: newId(), sealed_key: sealedKey, public_key: key.publicKey });
      expect([res.status, res.json.code], label).toEqual([status, code]);
      expect(res.json.error, label).toMatch(message);
    }
    expect((await getHealth(enclave.url)).keys).toBe(0);
  });

  it("refuses a key other than public_key (409) and a missing public_key (400); nothing is stored", async () => {
    const key = oldKey();
    const body = { identity_id: newId(), user_id: newId(), sealed_key: oldSealLocal(key.privateKeyHex, LEGACY_KEY) };
    const wrong = await importKey(enclave, { ...body, public_key: oldKey().publicKey });
    expect([wrong.status, wrong.json.code]).toEqual([409, "key_conflict"]);
    expect(wrong.json.error).toMatch(/different key than public_key/);
    const missing = await importKey(enclave, body);
    expect([missing.status, missing.json.code]).toEqual([400, "bad_request"]);
    expect(missing.json.error).toMatch(/public_key.*legacy/);
    expect((await getHealth(enclave.url)).keys).toBe(0);
    const right = await importKey(enclave, { ...body, public_key: key.publicKey.toUpperCase() });
    expect(right.json.imported).toBe(true);
  });

  it("without LEGACY_SEALING_KEY, legacy local backups are refused with a message naming it", async () => {
    const plain = await startEnclave();
    try {
      const key = oldKey();
      const res = await importKey(plain, { identity_id: newId(), user_id: newId(), sealed_key: oldSealLocal(key.privateKeyHex, LEGACY_KEY), public_key: key.publicKey });
      expect([res.status, res.json.code]).toEqual([400, "sealed_key_invalid"]);
      expect(res.json.error).toMatch(/set LEGACY_SEALING_KEY/);
      expect((await getHealth(plain.url)).keys).toBe(0);
    } finally {
      await plain.close();
    }
  });

  it("a current backup with the wrong public_key is refused too; without public_key it imports as before", async () => {
    const identityId = newId();
    const userId = newId();
    const key = oldKey();
    const sealed = await enclave.sealer.seal(hex(key.privateKeyHex), { identityId, userId });
    const wrong = await importKey(enclave, { identity_id: identityId, user_id: userId, sealed_key: sealed, public_key: oldKey().publicKey });
    expect([wrong.status, wrong.json.code]).toEqual([409, "key_conflict"]);
    expect((await getHealth(enclave.url)).keys).toBe(0);
    const res = await importKey(enclave, { identity_id: identityId, user_id: userId, sealed_key: sealed });
    expect(res.json).toEqual({ identity_id: identityId, public_key: key.publicKey, imported: true });
    const bad = await importKey(enclave, { identity_id: identityId, user_id: userId, sealed_key: sealed, public_key: "04" + randomHex(32) });
    expect([bad.status, bad.json.code]).toEqual([400, "bad_request"]);
  });

  it("the legacy key never opens a current backup sealed under it", async () => {
    const identityId = newId();
    const userId = newId();
    const key = oldKey();
    const sealed = await createLocalSealer(LEGACY_KEY).seal(hex(key.privateKeyHex), { identityId, userId });
    const res = await importKey(enclave, { identity_id: identityId, user_id: userId, sealed_key: sealed, public_key: key.publicKey });
    expect([res.status, res.json.code]).toEqual([400, "sealed_key_invalid"]);
  });
});
