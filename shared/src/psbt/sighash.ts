import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, hexToBytes } from "@noble/hashes/utils.js";
import { RawTx, type Transaction } from "@scure/btc-signer";
import type { Prevout } from "./prevouts.js";
import { compactSize } from "./taproot.js";

// BIP-341's signature message, written out because its precomputed hashes are shared by every
// input: btc-signer's `preimageWitnessV1` rehashes all inputs and outputs per call, which made
// a 500-input PSBT take seconds. Tests hold this to the BIP-341 vectors (down to the SigMsg
// bytes) and to btc-signer's and bitcoinjs-lib's own sighashes.

const ANYONECANPAY = 0x80;
const NONE = 0x02;
const SINGLE = 0x03;

const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
const u64 = (n: bigint) => Uint8Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const withLength = (script: Uint8Array) => concatBytes(compactSize(script.length), script);

/** What every signature message of one transaction shares, hashed once. */
export interface SighashContext {
  version: number;
  lockTime: number;
  outpoints: Uint8Array[];
  sequences: Uint8Array[];
  outputs: Uint8Array[];
  prevouts: Prevout[];
  shaPrevouts: Uint8Array;
  shaAmounts: Uint8Array;
  shaScriptPubkeys: Uint8Array;
  shaSequences: Uint8Array;
  shaOutputs: Uint8Array;
}

/** Precomputes BIP-341's sha_prevouts, sha_amounts, sha_scriptpubkeys, sha_sequences and sha_outputs. */
export function sighashContext(tx: Transaction, prevouts: Prevout[]): SighashContext {
  const raw = RawTx.decode(tx.unsignedTx);
  // RawTx gives txids in display order; outpoints serialise them reversed.
  const outpoints = raw.inputs.map((i) => concatBytes(Uint8Array.from(i.txid).reverse(), u32(i.index)));
  const sequences = raw.inputs.map((i) => u32(i.sequence));
  const outputs = raw.outputs.map((o) => concatBytes(u64(o.amount), withLength(o.script)));
  return {
    version: raw.version,
    lockTime: raw.lockTime,
    outpoints,
    sequences,
    outputs,
    prevouts,
    shaPrevouts: sha256(concatBytes(...outpoints)),
    shaAmounts: sha256(concatBytes(...prevouts.map((p) => u64(p.amount)))),
    shaScriptPubkeys: sha256(concatBytes(...prevouts.map((p) => withLength(p.script)))),
    shaSequences: sha256(concatBytes(...sequences)),
    shaOutputs: sha256(concatBytes(...outputs)),
  };
}

/**
 * The epoch byte 0x00 then BIP-341 SigMsg(hash_type, ext_flag) for input `index`, with BIP-342's
 * extension (leaf hash, key version 0, no OP_CODESEPARATOR) when `leafHashHex` is given. No annex.
 * @throws Error for SIGHASH_SINGLE without an output at `index` (BIP-341 defines no digest).
 */
export function taprootSigMsg(ctx: SighashContext, index: number, hashType: number, leafHashHex?: string): Uint8Array {
  const outputType = hashType === 0 ? 0x01 : hashType & 0x03;
  const anyoneCanPay = (hashType & ANYONECANPAY) !== 0;
  if (outputType === SINGLE && index >= ctx.outputs.length) throw new Error(`SIGHASH_SINGLE needs an output ${index}, and there is none`);
  const parts: Uint8Array[] = [Uint8Array.of(0x00, hashType), u32(ctx.version), u32(ctx.lockTime)];
  if (!anyoneCanPay) parts.push(ctx.shaPrevouts, ctx.shaAmounts, ctx.shaScriptPubkeys, ctx.shaSequences);
  if (outputType !== NONE && outputType !== SINGLE) parts.push(ctx.shaOutputs);
  parts.push(Uint8Array.of(leafHashHex ? 2 : 0));
  if (anyoneCanPay) {
    const prevout = ctx.prevouts[index]!;
    parts.push(ctx.outpoints[index]!, u64(prevout.amount), withLength(prevout.script), ctx.sequences[index]!);
  } else {
    parts.push(u32(index));
  }
  if (outputType === SINGLE) parts.push(sha256(ctx.outputs[index]!));
  if (leafHashHex) parts.push(hexToBytes(leafHashHex), Uint8Array.of(0x00), u32(0xffffffff));
  return concatBytes(...parts);
}

/** hash_TapSighash(0x00 ‖ SigMsg): the 32 bytes a Taproot signature signs. */
export function taprootSighash(ctx: SighashContext, index: number, hashType: number, leafHashHex?: string): Uint8Array {
  return schnorr.utils.taggedHash("TapSighash", taprootSigMsg(ctx, index, hashType, leafHashHex));
}
