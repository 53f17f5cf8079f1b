import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { analyzePsbt, tapLeafHash, tapOutputKey, tapTweak } from "../src/psbt/index.js";
import { scriptAddress } from "../src/psbt/address.js";
import { BIP341, compressedKey, KEY_PATH, keyPathPsbt } from "./bip341-vectors.js";

type Leaf = { script: string; leafVersion: number };
type Tree = Leaf | Tree[] | null;
const leavesOf = (tree: Tree): Leaf[] => (tree === null ? [] : Array.isArray(tree) ? tree.flatMap(leavesOf) : [tree]);

describe("BIP-341 scriptPubKey vectors", () => {
  it.each(BIP341.scriptPubKey.map((v, i) => [i, v] as const))("vector %i: tweak, output key, script, address, leaf hashes", (_, v) => {
    const internal = v.given.internalPubkey;
    const root = v.intermediary.merkleRoot ?? undefined;
    expect(bytesToHex(tapTweak(internal, root))).toBe(v.intermediary.tweak);
    const output = tapOutputKey(internal, root);
    expect(output.key).toBe(v.intermediary.tweakedPubkey);
    const script = `5120${output.key}`;
    expect(script).toBe(v.expected.scriptPubKey);
    expect(scriptAddress(hexToBytes(script), "mainnet")).toBe(v.expected.bip350Address);
    const leaves = leavesOf(v.given.scriptTree as Tree);
    const hashes = (v.intermediary as { leafHashes?: string[] }).leafHashes ?? [];
    expect(leaves.map((l) => tapLeafHash(hexToBytes(l.script), l.leafVersion))).toEqual(hashes);
    // Every control block's first byte carries the output key's parity (BIP-341).
    for (const block of (v.expected as { scriptPathControlBlocks?: string[] }).scriptPathControlBlocks ?? []) {
      expect(parseInt(block.slice(0, 2), 16) & 1).toBe(output.parity);
    }
  });
});

describe("BIP-341 keyPathSpending vectors through analyzePsbt", () => {
  const psbt = keyPathPsbt();

  it.each(KEY_PATH.inputSpending.map((s) => [s.given.txinIndex, s] as const))("input %i: its key gets exactly one job with the vector's sighash", (index, spend) => {
    const { internalPrivkey, merkleRoot, hashType } = spend.given;
    const analysis = analyzePsbt(psbt, compressedKey(internalPrivkey), "mainnet", { allowUnsafeSighash: true });
    expect(analysis.jobs).toEqual([
      { index, path: "key", sighashType: hashType, sighash: spend.intermediary.sigHash, ...(merkleRoot ? { merkleRoot } : {}) },
    ]);
    expect(bytesToHex(tapTweak(spend.intermediary.internalPubkey, merkleRoot ?? undefined))).toBe(spend.intermediary.tweak);
    expect(analysis.summary.inputs.filter((i) => i.mine)).toEqual([{ index, amount_sats: KEY_PATH.given.utxosSpent[index]!.amountSats, mine: true, path: "key" }]);
  });

  it("summarises the vector's transaction: txid, amounts, addresses, fee", () => {
    const first = KEY_PATH.inputSpending[0]!.given;
    const { summary } = analyzePsbt(psbt, compressedKey(first.internalPrivkey), "mainnet", { allowUnsafeSighash: true });
    const totalIn = KEY_PATH.given.utxosSpent.reduce((s, u) => s + u.amountSats, 0);
    expect(summary.inputs.map((i) => i.amount_sats)).toEqual(KEY_PATH.given.utxosSpent.map((u) => u.amountSats));
    expect(summary.outputs.map((o) => o.amount_sats)).toEqual([1_000_000_000, 3_410_000_000]);
    // P2PKH of hash160 06afd46b…7ecc (base58check worked out by hand, independently).
    expect(summary.outputs[0]!.address).toBe("1cMh228HTCiwS8ZsaakH8A8wze1JR5ZsP");
    // The second output's script is no standard template: shown as a script, not an address.
    expect(summary.outputs[1]).toMatchObject({ address: null, script: "ac9a87f5594be208f8532db38cff670c450ed2fea8fcdefcc9a663f78bab962b" });
    expect(summary.fee_sats).toBe(totalIn - 4_410_000_000);
    const hash = sha256(sha256(hexToBytes(KEY_PATH.given.rawUnsignedTx)));
    expect(summary.txid).toBe(bytesToHex(hash.reverse()));
  });

  it("refuses the vector's NONE/SINGLE/ANYONECANPAY inputs unless unsafe hash types are allowed", () => {
    const single = KEY_PATH.inputSpending[0]!.given; // hash type 3: SIGHASH_SINGLE
    expect(() => analyzePsbt(psbt, compressedKey(single.internalPrivkey), "mainnet")).toThrow(/input 0 asks for SIGHASH_SINGLE/);
    const all = KEY_PATH.inputSpending.find((s) => s.given.hashType === 1)!.given;
    expect(analyzePsbt(psbt, compressedKey(all.internalPrivkey), "mainnet").jobs).toHaveLength(1);
  });
});
