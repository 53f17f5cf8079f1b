import { hexToBytes } from "@noble/hashes/utils.js";
import { base64 } from "@scure/base";
import { Transaction } from "@scure/btc-signer";
import { describe, expect, it } from "vitest";
import { analyzePsbt, MAX_PSBT_INPUTS, MAX_PSBT_OUTPUTS, PsbtError, type PsbtErrorReason } from "../src/psbt/index.js";
import { buildPsbt, collaborativeOutput, foreignP2tr, makeIdentity, p2wpkhScript, withGlobalXpub } from "./psbt-builders.js";

const me = makeIdentity();
const tapInternalKey = hexToBytes(me.xOnly);
const own = (amount = 10_000n) => ({ amount, script: me.script, fields: { tapInternalKey } });
const pay = (amount = 9_000n) => ({ amount, script: foreignP2tr() });
const good = buildPsbt([own()], [pay()]);

function refusal(psbt: string, network: "mainnet" | "testnet" = "mainnet", allowUnsafeSighash = false): PsbtError {
  try {
    analyzePsbt(psbt, me.publicKey, network, { allowUnsafeSighash });
  } catch (err) {
    if (err instanceof PsbtError) return err;
    throw err;
  }
  throw new Error("the PSBT was accepted");
}

const HARDENED = 0x80000000;
const derivation = (coin: number) => ({ bip32Derivation: [[hexToBytes(me.publicKey), { fingerprint: 1, path: [HARDENED + 86, HARDENED + coin, HARDENED, 0, 0] }]] });

const cases: Array<[string, () => string, PsbtErrorReason, RegExp, ("mainnet" | "testnet")?]> = [
  ["text that is not base64", () => "not a psbt!", "not_base64", /not valid base64/],
  ["an empty string", () => "", "not_base64", /non-empty base64/],
  ["base64 of something else", () => base64.encode(new TextEncoder().encode("hello, world")), "bad_magic", /magic bytes/],
  ["a truncated PSBT", () => base64.encode(base64.decode(good).subarray(0, 60)), "malformed", /could not be decoded/],
  ["a PSBT v2", () => base64.encode(Transaction.fromPSBT(base64.decode(good)).toPSBT(2)), "unsupported_version", /version 2 is not supported/],
  ["too many inputs", () => buildPsbt(Array.from({ length: MAX_PSBT_INPUTS + 1 }, () => own()), [pay()]), "too_large", /at most 500/],
  ["too many outputs", () => buildPsbt([own(10_000_000n)], Array.from({ length: MAX_PSBT_OUTPUTS + 1 }, () => pay(1_000n))), "too_large", /at most 500/],
  ["a testnet xpub sent for mainnet", () => withGlobalXpub(good, 0x043587cf), "mixed_networks", /global xpub 0 .* test network .* mainnet/],
  ["a mainnet zpub sent for testnet", () => withGlobalXpub(good, 0x04b24746), "mixed_networks", /is for mainnet .* testnet/, "testnet"],
  ["xpubs of two networks", () => withGlobalXpub(withGlobalXpub(good, 0x0488b21e), 0x043587cf), "mixed_networks", /mixed networks/],
  ["an xpub of another coin", () => withGlobalXpub(good, 0x019da462), "mixed_networks", /belongs to no Bitcoin network/],
  ["a coin type 1' derivation sent for mainnet", () => buildPsbt([{ ...own(), fields: { tapInternalKey, ...derivation(1) } }], [pay()]), "mixed_networks", /input 0's BIP-32 derivation \(coin type 1'\)/],
  ["an input without witness_utxo", () => buildPsbt([own(), own(), { ...own(), withoutWitnessUtxo: true }], [pay()]), "missing_witness_utxo", /input 2 has no witness_utxo: BIP-341 commits to every input's amount and script/],
  ["only non-Taproot inputs", () => buildPsbt([{ amount: 10_000n, script: p2wpkhScript() }], [pay()]), "non_taproot_only", /no Taproot \(P2TR\) input/],
  ["only other keys' inputs", () => buildPsbt([{ amount: 10_000n, script: foreignP2tr() }], [pay()]), "no_inputs_for_key", /no input of this PSBT is left for this key/],
  ["SIGHASH_SINGLE", () => buildPsbt([{ ...own(), sighashType: 3 }], [pay()]), "unsafe_sighash", /input 0 asks for SIGHASH_SINGLE/],
  ["SIGHASH_NONE", () => buildPsbt([{ ...own(), sighashType: 2 }], [pay()]), "unsafe_sighash", /SIGHASH_NONE/],
  ["SIGHASH_ALL|ANYONECANPAY", () => buildPsbt([{ ...own(), sighashType: 0x81 }], [pay()]), "unsafe_sighash", /ALL\|ANYONECANPAY/],
  ["an undefined hash type", () => buildPsbt([{ ...own(), sighashType: 4 }], [pay()]), "malformed", /sighash type 4/],
  ["outputs above inputs", () => buildPsbt([own(10_000n)], [pay(10_001n)]), "outputs_exceed_inputs", /spend more than the inputs/],
  ["an amount above 21 million BTC", () => buildPsbt([own(2_100_000_000_000_001n)], [pay()]), "malformed", /more than 21 million BTC/],
];

describe("analyzePsbt refuses, with a reason and a message a person can act on", () => {
  it.each(cases)("%s", (_, make, reason, message, network) => {
    const err = refusal(make(), network);
    expect(err.reason).toBe(reason);
    expect(err.message).toMatch(message);
  });

  it("names the offending input", () => {
    expect(refusal(buildPsbt([own(), { ...own(), withoutWitnessUtxo: true }], [pay()])).input).toBe(1);
    expect(refusal(buildPsbt([own(), { ...own(), sighashType: 3 }], [pay()])).input).toBe(1);
  });

  it("signs unsafe hash types only when asked to", () => {
    const psbt = buildPsbt([{ ...own(), sighashType: 0x83 }], [pay()]);
    expect(refusal(psbt).reason).toBe("unsafe_sighash");
    expect(analyzePsbt(psbt, me.publicKey, "mainnet", { allowUnsafeSighash: true }).jobs[0]!.sighashType).toBe(0x83);
  });

  it("refuses SIGHASH_SINGLE without a matching output even when unsafe types are allowed", () => {
    const psbt = buildPsbt([own(), { ...own(), sighashType: 3 }], [pay()]);
    expect(refusal(psbt, "mainnet", true)).toMatchObject({ reason: "malformed", input: 1 });
  });

  it("refuses Taproot fields the spent output does not commit to", () => {
    const wrongInternalKey = buildPsbt([{ ...own(), fields: { tapInternalKey: hexToBytes(makeIdentity().xOnly) } }], [pay()], { unchecked: true });
    expect(refusal(wrongInternalKey)).toMatchObject({ reason: "malformed", input: 0, message: expect.stringMatching(/input 0's tap_internal_key does not match its output/) });
    // A leaf with this key, attached to someone else's output, must not make that input "mine".
    const leaf = collaborativeOutput(makeIdentity().xOnly, me.xOnly);
    const foreign = { amount: 10_000n, script: foreignP2tr(), fields: { tapLeafScript: leaf.tapLeafScript } };
    expect(refusal(buildPsbt([foreign], [pay()], { unchecked: true }))).toMatchObject({ reason: "malformed", message: expect.stringMatching(/input 0 lists a tapscript leaf with this key that its output does not commit to/) });
  });

  it("accepts an xpub and a coin type 0' derivation that agree with mainnet", () => {
    const psbt = withGlobalXpub(buildPsbt([{ ...own(), fields: { tapInternalKey, ...derivation(0) } }], [pay()]), 0x0488b21e);
    expect(analyzePsbt(psbt, me.publicKey, "mainnet").jobs).toHaveLength(1);
  });

  it("answers every corrupted byte with a PsbtError, never another error", () => {
    const bytes = base64.decode(buildPsbt([own(), { amount: 5_000n, script: foreignP2tr() }], [pay(), pay(1_000n)]));
    for (let i = 0; i < 400; i++) {
      const copy = Uint8Array.from(bytes);
      const at = 5 + ((i * 7919) % (copy.length - 5));
      copy[at] = copy[at]! ^ (1 << i % 8);
      try {
        analyzePsbt(base64.encode(copy), me.publicKey, "mainnet");
      } catch (err) {
        expect(err).toBeInstanceOf(PsbtError);
      }
    }
  });

  it("throws a plain Error for a caller's mistake (bad key or network), not a PsbtError", () => {
    expect(() => analyzePsbt(good, "02abcd", "mainnet")).toThrow(/compressed/);
    expect(() => analyzePsbt(good, me.publicKey, "litecoin" as never)).toThrow(/unknown Bitcoin network/);
  });
});
