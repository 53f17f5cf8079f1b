import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import type { BitcoinNetwork } from "../bitcoin.js";
import type { SigningJob } from "./jobs.js";
import type { Prevout } from "./prevouts.js";
import { compactSize } from "./taproot.js";

/** The domain of the binding hash; a new serialisation gets a new tag. */
export const BINDING_TAG = "clw-cash:psbt:v1";

const u8 = (n: number) => Uint8Array.of(n);
const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
const u64 = (n: bigint) => Uint8Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const bytes = (b: Uint8Array) => concatBytes(compactSize(b.length), b);
const text = (s: string) => bytes(utf8ToBytes(s));
const optional32 = (hex?: string) => (hex ? concatBytes(u8(1), hexToBytes(hex)) : u8(0));

/** What a binding commits to. */
export interface BindingInput {
  network: BitcoinNetwork;
  /** The signing identity's x-only key, hex. */
  xOnlyKey: string;
  /** The unsigned transaction's id, display order, hex. */
  txid: string;
  prevouts: Prevout[];
  jobs: SigningJob[];
}

/**
 * The hash a PSBT signing ticket is bound to: a BIP-340-style tagged SHA-256 (tag
 * `clw-cash:psbt:v1`) of a length-prefixed serialisation of the network, the signing key, the
 * unsigned txid (which fixes every outpoint, sequence, output and the locktime), every prevout's
 * amount and script, and every job (index, path, leaf hash, merkle root, hash type, sighash).
 * Any change to what would be signed changes it. Returns 64 hex characters.
 */
export function bindingHash(b: BindingInput): string {
  const tag = sha256(utf8ToBytes(BINDING_TAG));
  const parts: Uint8Array[] = [text(b.network), hexToBytes(b.xOnlyKey), hexToBytes(b.txid), compactSize(b.prevouts.length)];
  for (const p of b.prevouts) parts.push(hexToBytes(p.txid), u32(p.vout), u64(p.amount), bytes(p.script));
  parts.push(compactSize(b.jobs.length));
  for (const j of b.jobs) {
    parts.push(u32(j.index), u8(j.path === "key" ? 0 : 1), optional32(j.leafHash), optional32(j.merkleRoot));
    parts.push(u8(j.sighashType), hexToBytes(j.sighash));
  }
  return bytesToHex(sha256(concatBytes(tag, tag, ...parts)));
}
