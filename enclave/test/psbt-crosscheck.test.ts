import * as ecc from "@bitcoinerlab/secp256k1";
import { analyzePsbt } from "@clw/shared/psbt";
import { Psbt } from "bitcoinjs-lib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateKey, mintTicket, startEnclave, type TestEnclave } from "./helpers.js";
import { buildPsbt, collaborative, keyPathScript, payee, sighashOf, signKeyPathAsOther, signLeafAsOther, someoneElse, xOnlyOf } from "./psbt-builders.js";

type Key = Awaited<ReturnType<typeof generateKey>>;

describe("PSBT signatures, checked by bitcoinjs-lib", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave();
  });
  afterEach(() => enclave.close());

  /** Asks the enclave to sign with a ticket bound to the PSBT, as the API would mint it. */
  async function sign(k: Key, psbt: Psbt): Promise<{ psbt: Psbt; signed: number[] }> {
    const { binding } = analyzePsbt(psbt.toBase64(), k.publicKey, "mainnet");
    const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest: binding, knd: "psbt" });
    const res = await enclave.post("/v1/keys/sign-psbt", { identity_id: k.identityId, psbt: psbt.toBase64(), ticket, network: "mainnet" });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return { psbt: Psbt.fromBase64(res.json.psbt), signed: res.json.signed_inputs };
  }

  it("key path: each signature verifies against the tweaked output key Q, not the identity key P", async () => {
    const k = await generateKey(enclave);
    const own = keyPathScript(xOnlyOf(k.publicKey));
    const unsigned = buildPsbt(
      [{ script: own, value: 70_000n, tapInternalKey: xOnlyOf(k.publicKey) }, { script: own, value: 30_000n, sighashType: 1 }],
      [{ script: payee(), value: 60_000n }, { script: own, value: 39_000n }],
    );
    const { psbt, signed } = await sign(k, unsigned);
    expect(signed).toEqual([0, 1]);
    for (const index of [0, 1]) {
      const sig = psbt.data.inputs[index]!.tapKeySig!;
      expect(sig.length).toBe(index === 0 ? 64 : 65);
      if (index === 1) expect(sig[64]).toBe(1);
      const Q = own.subarray(2);
      expect(ecc.verifySchnorr(sighashOf(psbt, index), Q, sig.subarray(0, 64))).toBe(true);
      expect(ecc.verifySchnorr(sighashOf(psbt, index), xOnlyOf(k.publicKey), sig.subarray(0, 64))).toBe(false);
    }
    psbt.finalizeAllInputs();
    expect(psbt.extractTransaction().ins.map((i) => i.witness.length)).toEqual([1, 1]);
  });

  it("script path: signs an Ark-style 2-of-2 leaf with the untweaked key and leaves the other party's signature alone", async () => {
    const k = await generateKey(enclave);
    const other = someoneElse();
    const collab = collaborative(other.xOnly, xOnlyOf(k.publicKey));
    const unsigned = buildPsbt([{ script: collab.script, value: 50_000n, tapLeafScript: collab.tapLeafScript }], [{ script: payee(), value: 49_000n }]);
    const leafHash = collab.leafHash;
    const theirs = signLeafAsOther(unsigned, 0, other, leafHash);

    const { psbt, signed } = await sign(k, unsigned);
    expect(signed).toEqual([0]);
    const sigs = psbt.data.inputs[0]!.tapScriptSig!;
    expect(sigs).toHaveLength(2);
    expect(Buffer.from(sigs.find((s) => Buffer.compare(s.pubkey, other.xOnly) === 0)!.signature)).toEqual(theirs);
    const mine = sigs.find((s) => Buffer.compare(s.pubkey, xOnlyOf(k.publicKey)) === 0)!;
    expect(Buffer.from(mine.leafHash)).toEqual(leafHash);
    expect(ecc.verifySchnorr(sighashOf(psbt, 0, undefined, leafHash), xOnlyOf(k.publicKey), mine.signature)).toBe(true);
    psbt.finalizeAllInputs();
    expect(psbt.extractTransaction().ins[0]!.witness).toHaveLength(4); // two signatures, leaf, control block
  });

  it("mixed: another key's input, already signed by its owner, comes back exactly as it was", async () => {
    const k = await generateKey(enclave);
    const other = someoneElse();
    const theirScript = keyPathScript(other.xOnly);
    const unsigned = buildPsbt(
      [{ script: theirScript, value: 40_000n, tapInternalKey: other.xOnly }, { script: keyPathScript(xOnlyOf(k.publicKey)), value: 20_000n }],
      [{ script: payee(), value: 59_000n }],
    );
    signKeyPathAsOther(unsigned, 0, other);
    // As parsed from base64, so both sides have the same shapes.
    const before = Psbt.fromBase64(unsigned.toBase64()).data.inputs[0];

    const { psbt, signed } = await sign(k, unsigned);
    expect(signed).toEqual([1]);
    expect(psbt.data.inputs[0]).toEqual(before);
    expect(ecc.verifySchnorr(sighashOf(psbt, 1), keyPathScript(xOnlyOf(k.publicKey)).subarray(2), psbt.data.inputs[1]!.tapKeySig!)).toBe(true);
    psbt.finalizeAllInputs();
    expect(psbt.extractTransaction().ins).toHaveLength(2);
  });
});
