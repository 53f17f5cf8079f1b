import { schnorr } from "@noble/curves/secp256k1.js";
import { hexToBytes } from "@noble/hashes/utils.js";
import { normalizeDigest } from "./hex.js";

/** The 32-byte x-only key (BIP-340) of a 33-byte compressed public key, as hex. */
export function xOnlyPublicKey(compressedHex: string): string {
  if (!/^0[23][0-9a-fA-F]{64}$/.test(compressedHex)) {
    throw new Error("expected a 33-byte compressed secp256k1 public key in hex");
  }
  return compressedHex.slice(2).toLowerCase();
}

/**
 * Verifies a BIP-340 Schnorr signature over a 32-byte digest against an identity's
 * compressed public key. Returns false (never throws) for malformed input.
 */
export function verifySchnorr(publicKeyHex: string, digest: string, signatureHex: string): boolean {
  const msg = normalizeDigest(digest);
  if (!msg || !/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
  try {
    const key = publicKeyHex.length === 66 ? xOnlyPublicKey(publicKeyHex) : publicKeyHex;
    return schnorr.verify(hexToBytes(signatureHex), hexToBytes(msg), hexToBytes(key));
  } catch {
    return false;
  }
}
