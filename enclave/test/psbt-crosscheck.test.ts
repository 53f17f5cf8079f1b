import * as ecc from "@bitcoinerlab/secp256k1";
import { analyzePsbt } from "@clw/shared/psbt";
import { crypto, Psbt } from "bitcoinjs-lib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateKey, mintTicket, startEnclave, type TestEnclave } from "./helpers.js";
import { collaborative, leafHashOf, payee, p2trScript, psbtOf, sighashOf, someoneElse, xOnly } from "./psbt-builders.js";

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
    const own = p2trScript(xOnly(k.publicKey));
    const unsigned = psbtOf(
      [{ script: own, value: 70_000n, tapInternalKey: xOnly(k.publicKey) }, { script: own, value: 30_000n, sighashType: 1 }],
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
      expect(ecc.verifySchnorr(sighashOf(psbt, index), xOnly(k.publicKey), sig.subarray(0, 64))).toBe(false);
    }
    psbt.finalizeAllInputs();
    expect(psbt.extractTransaction().ins.map((i) => i.witness.length)).toEqual([1, 1]);
  });

  it("script path: signs an Ark-style 2-of-2 leaf with the untweaked key and leaves the other party's signature alone", async () => {
    const k = await generateKey(enclave);
    const other = someoneElse();
    const collab = collaborative(other.xOnly, xOnly(k.publicKey));
    const unsigned = psbtOf([{ script: collab.script, value: 50_000n, tapLeafScript: collab.tapLeafScript }], [{ script: payee(), value: 49_000n }]);
    const leafHash = leafHashOf(collab.leaf);
    const theirs = Buffer.from(ecc.signSchnorr(sighashOf(unsigned, 0, leafHash), other.privateKey));
    unsigned.updateInput(0, { tapScriptSig: [{ pubkey: other.xOnly, leafHash, signature: theirs }] });

    const { psbt, signed } = await sign(k, unsigned);
    expect(signed).toEqual([0]);
    const sigs = psbt.data.inputs[0]!.tapScriptSig!;
    expect(sigs).toHaveLength(2);
    expect(Buffer.from(sigs.find((s) => Buffer.compare(s.pubkey, other.xOnly) === 0)!.signature)).toEqual(theirs);
    const mine = sigs.find((s) => Buffer.compare(s.pubkey, xOnly(k.publicKey)) === 0)!;
    expect(Buffer.from(mine.leafHash)).toEqual(leafHash);
    expect(ecc.verifySchnorr(sighashOf(psbt, 0, leafHash), xOnly(k.publicKey), mine.signature)).toBe(true);
    psbt.finalizeAllInputs();
    expect(psbt.extractTransaction().ins[0]!.witness).toHaveLength(4); // two signatures, leaf, control block
  });

  it("mixed: another key's input, already signed by its owner, comes back exactly as it was", async () => {
    const k = await generateKey(enclave);
    const other = someoneElse();
    const theirScript = p2trScript(other.xOnly);
    const unsigned = psbtOf(
      [{ script: theirScript, value: 40_000n, tapInternalKey: other.xOnly }, { script: p2trScript(xOnly(k.publicKey)), value: 20_000n }],
      [{ script: payee(), value: 59_000n }],
    );
    unsigned.updateInput(0, { tapKeySig: Buffer.from(ecc.signSchnorr(sighashOf(unsigned, 0), tweaked(other.privateKey))) });
    // As parsed from base64, so both sides have the same shapes.
    const before = Psbt.fromBase64(unsigned.toBase64()).data.inputs[0];

    const { psbt, signed } = await sign(k, unsigned);
    expect(signed).toEqual([1]);
    expect(psbt.data.inputs[0]).toEqual(before);
    expect(ecc.verifySchnorr(sighashOf(psbt, 1), p2trScript(xOnly(k.publicKey)).subarray(2), psbt.data.inputs[1]!.tapKeySig!)).toBe(true);
    psbt.finalizeAllInputs();
    expect(psbt.extractTransaction().ins).toHaveLength(2);
  });
});

/** The other party's own BIP-86 key-path signing key, tweaked with @bitcoinerlab/secp256k1 and bitcoinjs-lib. */
function tweaked(privateKey: Uint8Array): Uint8Array {
  const point = ecc.pointFromScalar(privateKey, true)!;
  const d = point[0] === 3 ? ecc.privateNegate(privateKey) : privateKey;
  return ecc.privateAdd(d, crypto.taggedHash("TapTweak", Buffer.from(point.subarray(1))))!;
}
