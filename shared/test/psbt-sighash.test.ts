import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { base64 } from "@scure/base";
import { Transaction } from "@scure/btc-signer";
import { describe, expect, it } from "vitest";
import { PARSE_OPTIONS } from "../src/psbt/decode.js";
import { readPrevouts } from "../src/psbt/prevouts.js";
import { sighashContext, taprootSighash, taprootSigMsg } from "../src/psbt/sighash.js";
import { tapLeafHash } from "../src/psbt/taproot.js";
import { KEY_PATH, keyPathPsbt } from "./bip341-vectors.js";
import { buildPsbt, collaborativeOutput, foreignP2tr, makeIdentity, p2wpkhScript } from "./psbt-builders.js";

const contextOf = (psbt: string) => {
  const tx = Transaction.fromPSBT(base64.decode(psbt), PARSE_OPTIONS);
  const prevouts = readPrevouts(tx);
  return { tx, prevouts, ctx: sighashContext(tx, prevouts) };
};

describe("BIP-341 signature messages", () => {
  const { ctx } = contextOf(keyPathPsbt());

  it("precomputes the vector's intermediary hashes", () => {
    const i = KEY_PATH.intermediary;
    expect(bytesToHex(ctx.shaAmounts)).toBe(i.hashAmounts);
    expect(bytesToHex(ctx.shaOutputs)).toBe(i.hashOutputs);
    expect(bytesToHex(ctx.shaPrevouts)).toBe(i.hashPrevouts);
    expect(bytesToHex(ctx.shaScriptPubkeys)).toBe(i.hashScriptPubkeys);
    expect(bytesToHex(ctx.shaSequences)).toBe(i.hashSequences);
  });

  it.each(KEY_PATH.inputSpending.map((s) => [s.given.txinIndex, s.given.hashType, s] as const))(
    "input %i (hash type %i): SigMsg and sighash byte for byte",
    (index, hashType, spend) => {
      expect(bytesToHex(taprootSigMsg(ctx, index, hashType))).toBe(spend.intermediary.sigMsg);
      expect(bytesToHex(taprootSighash(ctx, index, hashType))).toBe(spend.intermediary.sigHash);
    },
  );
});

describe("sighashes agree with btc-signer's preimageWitnessV1", () => {
  const me = makeIdentity();
  const collab = collaborativeOutput(makeIdentity().xOnly, me.xOnly);
  const psbt = buildPsbt(
    [
      { amount: 70_000n, script: me.script },
      { amount: 50_000n, script: collab.script, fields: { tapLeafScript: collab.tapLeafScript, tapInternalKey: collab.tapInternalKey } },
      { amount: 20_000n, script: p2wpkhScript() },
    ],
    [{ amount: 90_000n, script: foreignP2tr() }, { amount: 40_000n, script: me.script }],
  );
  const { tx, prevouts, ctx } = contextOf(psbt);
  const scripts = prevouts.map((p) => p.script);
  const amounts = prevouts.map((p) => p.amount);
  const leafHash = tapLeafHash(collab.leaf);

  it.each([0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83])("hash type %i, key path and script path", (hashType) => {
    for (const index of [0, 1]) {
      const expected = tx.preimageWitnessV1(index, scripts, hashType, amounts);
      expect(bytesToHex(taprootSighash(ctx, index, hashType))).toBe(bytesToHex(expected));
      const leafExpected = tx.preimageWitnessV1(index, scripts, hashType, amounts, undefined, collab.leaf, 0xc0);
      expect(bytesToHex(taprootSighash(ctx, index, hashType, leafHash))).toBe(bytesToHex(leafExpected));
    }
  });

  it("has no digest for SIGHASH_SINGLE past the last output", () => {
    expect(() => taprootSighash(ctx, 2, 0x03)).toThrow(/SIGHASH_SINGLE needs an output 2/);
    expect(hexToBytes(bytesToHex(taprootSighash(ctx, 2, 0x01)))).toHaveLength(32);
  });
});
