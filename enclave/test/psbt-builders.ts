import * as ecc from "@bitcoinerlab/secp256k1";
import { crypto, initEccLib, opcodes, payments, Psbt, script as bscript, Transaction } from "bitcoinjs-lib";
import { randomBytes } from "node:crypto";

// PSBTs for the signer's tests are built with bitcoinjs-lib, a second implementation, so they do
// not lean on the code under test (btc-signer and @clw/shared/psbt).
initEccLib(ecc);

/** BIP-341's suggested unspendable internal key (x of H = lift_x(SHA-256(G))). */
const NUMS = Buffer.from("50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0", "hex");

export const xOnly = (compressedHex: string) => Buffer.from(compressedHex.slice(2), "hex");

/** A fresh key pair that belongs to someone other than the enclave's identity. */
export function someoneElse() {
  const privateKey = new Uint8Array(randomBytes(32));
  return { privateKey, xOnly: Buffer.from(ecc.xOnlyPointFromScalar(privateKey)) };
}

/** The BIP-86 output script of an x-only key, as bitcoinjs-lib derives it. */
export const p2trScript = (internal: Uint8Array) => Buffer.from(payments.p2tr({ internalPubkey: internal }).output!);

/** An Ark-style collaborative output: leaf `<a> CHECKSIGVERIFY <b> CHECKSIG` under an unspendable key. */
export function collaborative(a: Uint8Array, b: Uint8Array) {
  const leaf = bscript.compile([a, opcodes.OP_CHECKSIGVERIFY, b, opcodes.OP_CHECKSIG]);
  const redeem = { output: leaf, redeemVersion: 0xc0 };
  const payment = payments.p2tr({ internalPubkey: NUMS, scriptTree: { output: leaf }, redeem });
  const controlBlock = payment.witness![payment.witness!.length - 1]!;
  return { leaf, script: Buffer.from(payment.output!), tapLeafScript: [{ leafVersion: 0xc0, script: leaf, controlBlock }] };
}

export interface In {
  script: Uint8Array;
  value: bigint;
  tapInternalKey?: Uint8Array;
  tapLeafScript?: ReturnType<typeof collaborative>["tapLeafScript"];
  sighashType?: number;
  noWitnessUtxo?: boolean;
}

/** A PSBT v0 spending made-up outpoints; returns bitcoinjs-lib's Psbt. */
export function psbtOf(inputs: In[], outputs: Array<{ script: Uint8Array; value: bigint }>): Psbt {
  const psbt = new Psbt();
  for (const i of inputs) {
    psbt.addInput({
      hash: randomBytes(32),
      index: 0,
      ...(i.noWitnessUtxo ? {} : { witnessUtxo: { script: i.script, value: i.value } }),
      ...(i.tapInternalKey ? { tapInternalKey: i.tapInternalKey } : {}),
      ...(i.tapLeafScript ? { tapLeafScript: i.tapLeafScript } : {}),
      ...(i.sighashType === undefined ? {} : { sighashType: i.sighashType }),
    });
  }
  for (const o of outputs) psbt.addOutput(o);
  return psbt;
}

/** A payee's P2TR output script. */
export const payee = () => p2trScript(someoneElse().xOnly);

/** hash_TapLeaf of a version 0xc0 leaf, with bitcoinjs-lib's tagged hash. */
export function leafHashOf(leaf: Uint8Array): Buffer {
  const length = bscript.compile([leaf]).subarray(0, leaf.length < 76 ? 1 : 2);
  return Buffer.from(crypto.taggedHash("TapLeaf", Buffer.concat([Buffer.of(0xc0), length, leaf])));
}

/** The BIP-341 sighash bitcoinjs-lib computes for an input (its own implementation). */
export function sighashOf(psbt: Psbt, index: number, leafHash?: Uint8Array): Buffer {
  const tx = Transaction.fromBuffer(psbt.data.getTransaction());
  const utxos = psbt.data.inputs.map((input) => input.witnessUtxo!);
  const hashType = psbt.data.inputs[index]!.sighashType ?? Transaction.SIGHASH_DEFAULT;
  return Buffer.from(tx.hashForWitnessV1(index, utxos.map((u) => u.script), utxos.map((u) => u.value), hashType, leafHash));
}
