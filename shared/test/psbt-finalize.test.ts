import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { base64 } from "@scure/base";
import { p2tr, Script, TAPROOT_UNSPENDABLE_KEY, Transaction } from "@scure/btc-signer";
import { describe, expect, it } from "vitest";
import { addTaprootSignatures, analyzePsbt, finalizePsbt, PsbtError, tapTweak, type PsbtAnalysis, type TaprootSignature } from "../src/psbt/index.js";
import { KEY_PATH, keyPathPsbt } from "./bip341-vectors.js";
import { buildPsbt, collaborativeOutput, foreignP2tr, makeIdentity, tweakedSecret, type Identity } from "./psbt-builders.js";

const parse = (psbt: string) => Transaction.fromPSBT(base64.decode(psbt), { unknown: "ignore", allowUnknownInputs: true, allowUnknownOutputs: true });

/** Signs an identity's jobs the way a signer would, with noble and a hand-written tweak. */
function sign(id: Identity, analysis: PsbtAnalysis): TaprootSignature[] {
  return analysis.jobs.map((job) => {
    const key = job.path === "key" ? tweakedSecret(id.secretKey, tapTweak(id.xOnly, job.merkleRoot)) : id.secretKey;
    const sig = schnorr.sign(hexToBytes(job.sighash), key);
    const suffix = job.sighashType === 0 ? "" : job.sighashType.toString(16).padStart(2, "0");
    return { index: job.index, path: job.path, leafHash: job.leafHash, xOnlyPublicKey: bytesToHex(schnorr.getPublicKey(key)), signature: bytesToHex(sig) + suffix };
  });
}

describe("addTaprootSignatures and finalizePsbt", () => {
  it("reproduce the BIP-341 vector's signed transaction from its expected signatures", () => {
    const signatures = KEY_PATH.inputSpending.map((s) => ({
      index: s.given.txinIndex,
      path: "key" as const,
      xOnlyPublicKey: KEY_PATH.given.utxosSpent[s.given.txinIndex]!.scriptPubKey.slice(4),
      signature: s.expected.witness[0]!,
    }));
    const signed = addTaprootSignatures(keyPathPsbt({ withForeignFinals: true }), signatures);
    expect(finalizePsbt(signed).tx_hex).toBe(KEY_PATH.auxiliary.fullySignedTx);
  });

  it("finalise a key-path spend; the fee rate estimate matches the signed transaction", () => {
    const me = makeIdentity();
    for (const sighashType of [0, 1]) {
      const psbt = buildPsbt([{ amount: 80_000n, script: me.script, sighashType }], [{ amount: 50_000n, script: foreignP2tr() }, { amount: 29_000n, script: me.script }]);
      const analysis = analyzePsbt(psbt, me.publicKey, "mainnet");
      const { tx_hex } = finalizePsbt(addTaprootSignatures(psbt, sign(me, analysis)));
      const vsize = Transaction.fromRaw(hexToBytes(tx_hex!), { allowUnknownOutputs: true }).vsize;
      expect(analysis.summary.fee_rate_sat_vb).toBe(Math.round((1_000 / vsize) * 100) / 100);
    }
  });

  it("leave a 2-of-2 leaf incomplete with one signature and complete it with both", () => {
    const me = makeIdentity();
    const other = makeIdentity();
    const collab = collaborativeOutput(other.xOnly, me.xOnly);
    const psbt = buildPsbt(
      [{ amount: 50_000n, script: collab.script, fields: { tapLeafScript: collab.tapLeafScript, tapInternalKey: collab.tapInternalKey } }],
      [{ amount: 49_000n, script: foreignP2tr() }],
    );
    const mine = analyzePsbt(psbt, me.publicKey, "mainnet");
    const half = addTaprootSignatures(psbt, sign(me, mine));
    const partial = finalizePsbt(half);
    expect(partial.tx_hex).toBeNull();
    expect(parse(partial.psbt).getInput(0).tapScriptSig).toHaveLength(1);
    const both = addTaprootSignatures(half, sign(other, analyzePsbt(half, other.publicKey, "mainnet")));
    const { tx_hex } = finalizePsbt(both);
    const vsize = Transaction.fromRaw(hexToBytes(tx_hex!), { allowUnknownOutputs: true }).vsize;
    expect(mine.summary.fee_rate_sat_vb).toBe(Math.round((1_000 / vsize) * 100) / 100);
  });

  it("leave another party's input exactly as it was, unknown fields included", () => {
    const me = makeIdentity();
    const theirs = { amount: 30_000n, script: foreignP2tr(), fields: { unknown: [[{ type: 0xf0, key: Uint8Array.of(1, 2) }, Uint8Array.of(9)]] } };
    const psbt = buildPsbt([theirs, { amount: 20_000n, script: me.script }], [{ amount: 49_000n, script: foreignP2tr() }]);
    const signed = addTaprootSignatures(psbt, sign(me, analyzePsbt(psbt, me.publicKey, "mainnet")));
    expect(parse(signed).getInput(0)).toEqual(parse(psbt).getInput(0));
    expect(parse(signed).getInput(0).unknown).toHaveLength(1);
    expect(parse(signed).getInput(1).tapKeySig).toHaveLength(64);
    expect(finalizePsbt(signed).tx_hex).toBeNull();
  });

  it("replace an earlier signature in the same slot", () => {
    const me = makeIdentity();
    const collab = collaborativeOutput(makeIdentity().xOnly, me.xOnly);
    const psbt = buildPsbt([{ amount: 9_000n, script: collab.script, fields: { tapLeafScript: collab.tapLeafScript } }], [{ amount: 8_000n, script: foreignP2tr() }]);
    const analysis = analyzePsbt(psbt, me.publicKey, "mainnet");
    const first = addTaprootSignatures(psbt, sign(me, analysis));
    const second = sign(me, analysis);
    const sigs = parse(addTaprootSignatures(first, second)).getInput(0).tapScriptSig!;
    expect(sigs.map(([, sig]) => bytesToHex(sig))).toEqual([second[0]!.signature]);
  });

  it("refuse signatures that do not fit the PSBT", () => {
    const me = makeIdentity();
    const psbt = buildPsbt([{ amount: 9_000n, script: me.script }], [{ amount: 8_000n, script: foreignP2tr() }]);
    const [good] = sign(me, analyzePsbt(psbt, me.publicKey, "mainnet"));
    const attempt = (s: Partial<TaprootSignature>) => () => addTaprootSignatures(psbt, [{ ...good!, ...s }]);
    expect(attempt({ index: 1 })).toThrow(/names no input/);
    expect(attempt({ signature: "ab" })).toThrow(/64 or 65 bytes/);
    expect(attempt({ path: "script", leafHash: "00".repeat(32) })).toThrow(/leaf the input does not list/);
    expect(attempt({ index: 1 })).toThrow(PsbtError);
  });

  it("finalizePsbt never throws for incomplete inputs, only for what is no PSBT", () => {
    const me = makeIdentity();
    const psbt = buildPsbt([{ amount: 9_000n, script: me.script }], [{ amount: 8_000n, script: foreignP2tr() }]);
    expect(finalizePsbt(psbt)).toEqual({ psbt, tx_hex: null });
    expect(() => finalizePsbt("garbage")).toThrow(PsbtError);
  });
});

describe("finalizePsbt and leaves it has no rule for", () => {
  it("leaves an unrecognised leaf for its owners instead of guessing a witness", () => {
    const me = makeIdentity();
    const other = makeIdentity();
    // A leaf shape btc-signer has no finaliser for: two keys, then a condition only the owners know.
    const leaf = Script.encode([hexToBytes(me.xOnly), "CHECKSIGVERIFY", hexToBytes(other.xOnly), "CHECKSIGVERIFY", "SHA256", new Uint8Array(32).fill(7), "EQUAL"]);
    const payment = p2tr(TAPROOT_UNSPENDABLE_KEY, { script: leaf }, undefined, true);
    const psbt = buildPsbt([{ amount: 9_000n, script: payment.script, fields: { tapLeafScript: payment.tapLeafScript } }], [{ amount: 8_000n, script: foreignP2tr() }]);
    const signed = addTaprootSignatures(psbt, sign(me, analyzePsbt(psbt, me.publicKey, "mainnet")));
    const result = finalizePsbt(signed);
    expect(result.tx_hex).toBeNull();
    expect(parse(result.psbt).getInput(0).finalScriptWitness).toBeUndefined();
  });
});
