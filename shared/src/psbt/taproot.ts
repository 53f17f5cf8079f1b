import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils.js";

/** The only leaf version this module signs for (BIP-342 tapscript). */
export const TAPSCRIPT_LEAF_VERSION = 0xc0;

const { Point, utils } = schnorr;
const X_ONLY = /^[0-9a-f]{64}$/;

function xOnlyBytes(xOnlyHex: string, what: string): Uint8Array {
  const lower = xOnlyHex.toLowerCase();
  if (!X_ONLY.test(lower)) throw new Error(`${what} must be 32 bytes as 64 hex characters`);
  return hexToBytes(lower);
}

/**
 * The BIP-341 tweak scalar t = int(hash_TapTweak(P ‖ merkle_root)) for an x-only internal key,
 * as 32 big-endian bytes. Without a merkle root this is BIP-86's key-only tweak. A signer
 * applies it as `taproot_tweak_seckey`: negate d when P has an odd y, then add t mod n.
 * @throws Error when the key or root is not 32 bytes of hex, or t ≥ n (probability ~2⁻¹²⁸).
 */
export function tapTweak(xOnlyHex: string, merkleRootHex?: string): Uint8Array {
  const internal = xOnlyBytes(xOnlyHex, "the internal key");
  const root = merkleRootHex === undefined ? new Uint8Array(0) : xOnlyBytes(merkleRootHex, "the merkle root");
  const tweak = utils.taggedHash("TapTweak", concatBytes(internal, root));
  if (BigInt(`0x${bytesToHex(tweak)}`) >= Point.CURVE().n) throw new Error("the TapTweak is out of range");
  return tweak;
}

/**
 * The Taproot output key Q = lift_x(P) + t·G (x-only, hex) and its y parity, for an internal key
 * and an optional merkle root.
 * @throws Error when the key is not on the curve or the tweak is out of range.
 */
export function tapOutputKey(xOnlyHex: string, merkleRootHex?: string): { key: string; parity: 0 | 1 } {
  const tweak = tapTweak(xOnlyHex, merkleRootHex);
  const P = utils.lift_x(BigInt(`0x${xOnlyHex}`));
  const Q = P.add(Point.BASE.multiply(BigInt(`0x${bytesToHex(tweak)}`)));
  const affine = Q.toAffine();
  return { key: bytesToHex(utils.pointToBytes(Q)), parity: affine.y % 2n === 0n ? 0 : 1 };
}

/** hash_TapLeaf(leaf_version ‖ compact_size(script) ‖ script), hex (BIP-341). */
export function tapLeafHash(script: Uint8Array, leafVersion = TAPSCRIPT_LEAF_VERSION): string {
  return bytesToHex(utils.taggedHash("TapLeaf", concatBytes(new Uint8Array([leafVersion]), compactSize(script.length), script)));
}

/** Bitcoin's CompactSize length prefix. */
export function compactSize(n: number): Uint8Array {
  if (n < 0xfd) return new Uint8Array([n]);
  if (n <= 0xffff) return new Uint8Array([0xfd, n & 0xff, n >>> 8]);
  return new Uint8Array([0xfe, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]);
}
