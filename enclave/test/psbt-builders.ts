import { randomBytes } from "node:crypto";
import * as ecc from "@bitcoinerlab/secp256k1";
import { address, crypto, initEccLib, networks, opcodes, payments, Psbt, script as bscript, Transaction } from "bitcoinjs-lib";

// PSBTs for the signer's tests and the end-to-end tests are built, and every signature checked,
// with bitcoinjs-lib and libsecp256k1 (through @bitcoinerlab/secp256k1): an implementation
// independent of the one under test (btc-signer and @clw/shared/psbt), so a shared mistake cannot
// hide itself.
initEccLib(ecc);

/** BIP-341's suggested unspendable internal key (x of H = lift_x(SHA-256(G))). */
const NUMS = Buffer.from("50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0", "hex");

/** The 32-byte x-only key P of a 33-byte compressed public key (hex). */
export const xOnlyOf = (compressedHex: string): Buffer => Buffer.from(compressedHex.slice(2), "hex");

/** The BIP-86 output script of an x-only key (OP_1 <Q>, Q = P tweaked with no script tree). */
export const keyPathScript = (internal: Uint8Array): Buffer => Buffer.from(payments.p2tr({ internalPubkey: internal }).output!);

/** A payee's output script (BIP-86, someone else's key). */
export const payee = (): Buffer => someoneElse().script;

/** The mainnet address of an output script. */
export const addressOf = (outputScript: Uint8Array): string => address.fromOutputScript(outputScript, networks.bitcoin);

/** A fresh key pair of someone who is not the identity: a payee, or the other party of a 2-of-2. */
export function someoneElse() {
  const privateKey = new Uint8Array(randomBytes(32));
  const xOnly = Buffer.from(ecc.xOnlyPointFromScalar(privateKey));
  return { privateKey, xOnly, script: keyPathScript(xOnly) };
}

/**
 * An Ark-style collaborative output: one tapscript leaf `<other> CHECKSIGVERIFY <mine> CHECKSIG`
 * under an unspendable internal key, so it can only be spent by both keys together.
 */
export function collaborative(other: Uint8Array, mine: Uint8Array) {
  const leaf = bscript.compile([other, opcodes.OP_CHECKSIGVERIFY, mine, opcodes.OP_CHECKSIG]);
  const payment = payments.p2tr({ internalPubkey: NUMS, scriptTree: { output: leaf }, redeem: { output: leaf, redeemVersion: 0xc0 } });
  const controlBlock = payment.witness![payment.witness!.length - 1]!;
  return { leaf, leafHash: leafHashOf(leaf), script: Buffer.from(payment.output!), tapLeafScript: [{ leafVersion: 0xc0, script: leaf, controlBlock }] };
}

/** hash_TapLeaf of a version 0xc0 leaf, with bitcoinjs-lib's tagged hash. */
export function leafHashOf(leaf: Uint8Array): Buffer {
  const length = bscript.compile([leaf]).subarray(0, leaf.length < 76 ? 1 : 2);
  return Buffer.from(crypto.taggedHash("TapLeaf", Buffer.concat([Buffer.of(0xc0), length, leaf])));
}

export interface InputSpec {
  script: Uint8Array;
  value: bigint;
  tapInternalKey?: Uint8Array;
  tapLeafScript?: ReturnType<typeof collaborative>["tapLeafScript"];
  sighashType?: number;
  /** Leave out `witness_utxo` (a malformed PSBT for Taproot). */
  noWitnessUtxo?: boolean;
  /** The outpoint spent (default: a made-up one), e.g. to build a second version of a transaction. */
  outpoint?: { hash: Uint8Array; index: number };
}

export interface OutputSpec {
  script: Uint8Array;
  value: bigint;
}

/** A PSBT v0 spending made-up outpoints. */
export function buildPsbt(inputs: InputSpec[], outputs: OutputSpec[]): Psbt {
  const psbt = new Psbt({ network: networks.bitcoin });
  for (const i of inputs) {
    psbt.addInput({
      hash: i.outpoint?.hash ?? randomBytes(32),
      index: i.outpoint?.index ?? 0,
      ...(i.noWitnessUtxo ? {} : { witnessUtxo: { script: i.script, value: i.value } }),
      ...(i.tapInternalKey ? { tapInternalKey: i.tapInternalKey } : {}),
      ...(i.tapLeafScript ? { tapLeafScript: i.tapLeafScript } : {}),
      ...(i.sighashType === undefined ? {} : { sighashType: i.sighashType }),
    });
  }
  for (const o of outputs) psbt.addOutput(o);
  return psbt;
}

/** Every input's spent output, as BIP-341 sighashes commit to them. */
export function prevoutsOf(psbt: Psbt): { scripts: Uint8Array[]; values: bigint[] } {
  const utxos = psbt.data.inputs.map((input) => input.witnessUtxo!);
  return { scripts: utxos.map((u) => u.script), values: utxos.map((u) => u.value) };
}

/**
 * The BIP-341 sighash of an input, computed by bitcoinjs-lib (`Transaction.hashForWitnessV1`),
 * for `hashType` (default: the input's own, or SIGHASH_DEFAULT) and, for a script path, `leafHash`.
 */
export function sighashOf(psbt: Psbt, index: number, hashType = psbt.data.inputs[index]?.sighashType ?? Transaction.SIGHASH_DEFAULT, leafHash?: Uint8Array): Buffer {
  const tx = Transaction.fromBuffer(psbt.data.getTransaction());
  const { scripts, values } = prevoutsOf(psbt);
  return Buffer.from(tx.hashForWitnessV1(index, scripts, values, hashType, leafHash));
}

/** A 64-byte BIP-340 signature, or 65 with its hash type appended: the signature and the hash type. */
export function splitSignature(signature: Uint8Array): { sig: Uint8Array; hashType: number } {
  if (signature.length === 64) return { sig: signature, hashType: Transaction.SIGHASH_DEFAULT };
  if (signature.length === 65) return { sig: signature.subarray(0, 64), hashType: signature[64]! };
  throw new Error(`a Taproot signature is 64 or 65 bytes, not ${signature.length}`);
}

/** BIP-340 verification by libsecp256k1 (through @bitcoinerlab/secp256k1). */
export const verifySchnorrSig = (hash: Uint8Array, xOnlyKey: Uint8Array, sig: Uint8Array): boolean => ecc.verifySchnorr(hash, xOnlyKey, sig);

/** The other party signs its part of a collaborative leaf with its own key, as it would in its wallet. */
export function signLeafAsOther(psbt: Psbt, index: number, other: ReturnType<typeof someoneElse>, leafHash: Uint8Array): Buffer {
  const signature = Buffer.from(ecc.signSchnorr(sighashOf(psbt, index, Transaction.SIGHASH_DEFAULT, leafHash), other.privateKey));
  psbt.updateInput(index, { tapScriptSig: [{ pubkey: other.xOnly, leafHash, signature }] });
  return signature;
}

/** Someone else signs its own BIP-86 input (key path, with its tweaked key), as its wallet would. */
export function signKeyPathAsOther(psbt: Psbt, index: number, other: ReturnType<typeof someoneElse>): Buffer {
  const point = ecc.pointFromScalar(other.privateKey, true)!;
  const d = point[0] === 3 ? ecc.privateNegate(other.privateKey) : other.privateKey;
  const tweaked = ecc.privateAdd(d, crypto.taggedHash("TapTweak", Buffer.from(point.subarray(1))))!;
  const signature = Buffer.from(ecc.signSchnorr(sighashOf(psbt, index, Transaction.SIGHASH_DEFAULT), tweaked));
  psbt.updateInput(index, { tapKeySig: signature });
  return signature;
}

/**
 * Checks a finished transaction (hex) as a node would check its Taproot witnesses: each key-path
 * witness against the output key Q in the spent script, each collaborative-leaf witness against
 * the two keys the leaf names (in the order the script consumes them), every sighash recomputed
 * by bitcoinjs-lib from the transaction itself and the spent outputs.
 * @returns what was checked, per input.
 */
export function verifyFinalTransaction(txHex: string, prevouts: { scripts: Uint8Array[]; values: bigint[] }): Array<"key" | "script"> {
  const tx = Transaction.fromHex(txHex);
  return tx.ins.map((input, index) => {
    const witness = input.witness;
    if (witness.length === 1) {
      const { sig, hashType } = splitSignature(witness[0]!);
      const q = prevouts.scripts[index]!.subarray(2);
      if (!ecc.verifySchnorr(tx.hashForWitnessV1(index, prevouts.scripts, prevouts.values, hashType), q, sig)) throw new Error(`input ${index}: key-path signature does not verify against Q`);
      return "key";
    }
    if (witness.length !== 4) throw new Error(`input ${index}: unexpected witness of ${witness.length} items`);
    const [sigMine, sigOther, leaf, controlBlock] = witness as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const chunks = bscript.decompile(leaf)!;
    const [otherKey, , mineKey] = chunks as [Uint8Array, number, Uint8Array, number];
    const leafHash = leafHashOf(leaf);
    for (const [signature, key, who] of [[sigOther, otherKey, "the other party's"], [sigMine, mineKey, "the identity's"]] as const) {
      const { sig, hashType } = splitSignature(signature);
      if (!ecc.verifySchnorr(tx.hashForWitnessV1(index, prevouts.scripts, prevouts.values, hashType, leafHash), key, sig)) {
        throw new Error(`input ${index}: ${who} script-path signature does not verify`);
      }
    }
    if (controlBlock.length !== 33) throw new Error(`input ${index}: a one-leaf tree has a 33-byte control block`);
    return "script";
  });
}

export { Psbt, Transaction };
