import { schnorr } from "@noble/curves/secp256k1.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLegacyOpener } from "../src/legacy-sealing.js";
import { createEvervaultSealer } from "../src/sealing-evervault.js";
import { startFakeEvervault, type FakeEvervault } from "./fake-evervault.js";
import { getHealth, newId, randomHex, signOnce, startEnclave, type TestEnclave } from "./helpers.js";
import { oldKey, oldSealEvervault, oldSealLocal } from "./old-signer.js";

const LEGACY_KEY = randomHex(32);
const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

describe("legacy Evervault backups (evervault mode, through the in-enclave /decrypt)", () => {
  let fake: FakeEvervault;
  let enclave: TestEnclave;
  const evervaultSigner = (legacyKey?: string) =>
    startEnclave({
      sealer: createEvervaultSealer({ baseUrl: fake.url }),
      legacy: createLegacyOpener({ mode: "evervault", sealingKeyHex: legacyKey, evervault: { baseUrl: fake.url } }),
    });
  beforeEach(async () => {
    fake = await startFakeEvervault();
    enclave = await evervaultSigner(LEGACY_KEY);
  });
  afterEach(async () => {
    await enclave.close();
    await fake.close();
  });

  const importKey = (e: TestEnclave, body: Record<string, unknown>) => e.post("/v1/keys/import", body);

  for (const [label, raw] of [["as parsed", false], ["with the quotes the old API kept", true]] as const) {
    it(`imports one ${label}, re-seals it as v1.evervault, and the re-sealed backup imports on a fresh signer`, async () => {
      const key = oldKey();
      const sealed = await oldSealEvervault(fake.url, key.privateKeyHex, raw);
      expect(sealed).toMatch(raw ? /^"ev:.*"$/ : /^ev:/);
      const ids = { identity_id: newId(), user_id: newId() };
      const res = await importKey(enclave, { ...ids, sealed_key: sealed, public_key: key.publicKey });
      expect(res.json).toEqual({ identity_id: ids.identity_id, public_key: key.publicKey, imported: true, resealed_key: expect.stringMatching(/^v1\.evervault\.ev:/) });

      const fresh = await evervaultSigner();
      try {
        expect((await importKey(fresh, { ...ids, sealed_key: res.json.resealed_key })).json).toEqual({ identity_id: ids.identity_id, public_key: key.publicKey, imported: true });
        const digest = randomHex(32);
        const signed = await signOnce(fresh, { identityId: ids.identity_id, userId: ids.user_id }, digest);
        expect(schnorr.verify(hex(signed.json.signature), hex(digest), hex(key.publicKey.slice(2)))).toBe(true);
      } finally {
        await fresh.close();
      }
    });
  }

  it("opens a legacy local backup too, with LEGACY_SEALING_KEY, and re-seals it as v1.evervault", async () => {
    const key = oldKey();
    const body = { identity_id: newId(), user_id: newId(), sealed_key: oldSealLocal(key.privateKeyHex, LEGACY_KEY), public_key: key.publicKey };
    const res = await importKey(enclave, body);
    expect(res.json).toMatchObject({ public_key: key.publicKey, imported: true, resealed_key: expect.stringMatching(/^v1\.evervault\./) });
    const without = await evervaultSigner();
    try {
      const refused = await importKey(without, body);
      expect([refused.status, refused.json.code]).toEqual([400, "sealed_key_invalid"]);
      expect(refused.json.error).toMatch(/set LEGACY_SEALING_KEY/);
    } finally {
      await without.close();
    }
  });

  it("refuses a tampered backup, a non-key plaintext, another key, or no public_key; nothing is stored", async () => {
    const key = oldKey();
    const sealed = await oldSealEvervault(fake.url, key.privateKeyHex);
    const parts = sealed.split(":");
    parts[4] = parts[4]!.slice(0, 4) + (parts[4]![4] === "A" ? "B" : "A") + parts[4]!.slice(5);
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ["tampered", { sealed_key: parts.join(":"), public_key: key.publicKey }, 400, "sealed_key_invalid"],
      ["not a key", { sealed_key: await oldSealEvervault(fake.url, "not a private key"), public_key: key.publicKey }, 400, "sealed_key_invalid"],
      ["another key", { sealed_key: sealed, public_key: oldKey().publicKey }, 409, "key_conflict"],
      ["no public_key", { sealed_key: sealed }, 400, "bad_request"],
    ];
    for (const [label, body, status, code] of cases) {
      const res = await importKey(enclave, { identity_id: newId(), user_id: newId(), ...body });
      expect([res.status, res.json.code], label).toEqual([status, code]);
    }
    expect((await getHealth(enclave.url)).keys).toBe(0);
  });

  it("sends /decrypt the ciphertext as a bare JSON string, as the old signer did", async () => {
    const key = oldKey();
    const sealed = await oldSealEvervault(fake.url, key.privateKeyHex);
    await importKey(enclave, { identity_id: newId(), user_id: newId(), sealed_key: sealed, public_key: key.publicKey });
    expect(fake.bodies.filter((b) => b.path === "/decrypt").map((b) => b.body)).toEqual([JSON.stringify(sealed)]);
  });

  it("a legacy Evervault backup in local mode is refused, naming the mode, without calling Evervault", async () => {
    const key = oldKey();
    const sealed = await oldSealEvervault(fake.url, key.privateKeyHex);
    const local = await startEnclave({ legacy: createLegacyOpener({ mode: "local", sealingKeyHex: LEGACY_KEY }) });
    try {
      const res = await importKey(local, { identity_id: newId(), user_id: newId(), sealed_key: sealed, public_key: key.publicKey });
      expect([res.status, res.json.code]).toEqual([400, "sealed_key_invalid"]);
      expect(res.json.error).toMatch(/only in evervault mode.*local mode/);
      expect(fake.calls).not.toContain("/decrypt");
      expect((await getHealth(local.url)).keys).toBe(0);
    } finally {
      await local.close();
    }
  });
});
