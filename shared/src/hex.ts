import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";

export { bytesToHex, hexToBytes };

const DIGEST_RE = /^(?:0x)?([0-9a-fA-F]{64})$/;

/**
 * Normalises a 32-byte digest given as 64 hex characters (optionally `0x`-prefixed)
 * to lowercase hex without prefix. Returns `null` for anything else.
 */
export function normalizeDigest(input: unknown): string | null {
  if (typeof input !== "string") return null;
  const match = DIGEST_RE.exec(input);
  return match ? match[1]!.toLowerCase() : null;
}

/**
 * What a batch ticket is bound to: SHA-256 over a tag and every digest's 32 bytes in order, as
 * lowercase hex. One ticket signs exactly these digests, in this order, once.
 */
export function batchHash(digestsHex: readonly string[]): string {
  const tag = new TextEncoder().encode("clw-cash:batch:v1");
  const body = new Uint8Array(tag.length + 32 * digestsHex.length);
  body.set(tag);
  digestsHex.forEach((digest, i) => body.set(hexToBytes(digest), tag.length + 32 * i));
  return bytesToHex(sha256(body));
}

/** SHA-256 of the digest's 32 bytes, as lowercase hex: what a ticket is bound to. */
export function digestHash(digestHex: string): string {
  return bytesToHex(sha256(hexToBytes(digestHex)));
}

/**
 * The short code a sign-in shows on both sides (the client and the Telegram prompt), so the
 * owner can check they approve the sign-in they started: 6 digits derived from the link code.
 */
export function confirmationCode(linkCode: string): string {
  const hash = sha256(new TextEncoder().encode(`clw-cash:confirm:${linkCode}`));
  const n = ((hash[0]! << 16) | (hash[1]! << 8) | hash[2]!) % 1_000_000;
  const digits = n.toString().padStart(6, "0");
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
