import { randomBytes, timingSafeEqual } from "node:crypto";
import * as ecc from "tiny-secp256k1";
import { IdentityDestroyedError, KeyExistsError } from "./errors.js";

/**
 * BIP-340 Schnorr signature (64 bytes) of a 32-byte digest. Production callers omit
 * `auxRand` so 32 fresh random bytes are used; tests pass the BIP-340 vectors' aux_rand.
 * @throws Error if the digest is not 32 bytes or the key is invalid.
 */
export function signDigest(privateKey: Uint8Array, digest: Uint8Array, auxRand?: Uint8Array): Uint8Array {
  if (digest.length !== 32) throw new Error("digest must be 32 bytes");
  return ecc.signSchnorr(digest, privateKey, auxRand ?? randomBytes(32));
}

/** A fresh random secp256k1 private key (re-drawn until it is a valid scalar). */
export function generatePrivateKey(): Uint8Array {
  for (;;) {
    const candidate = new Uint8Array(randomBytes(32));
    if (ecc.isPrivate(candidate)) return candidate;
    candidate.fill(0);
  }
}

/** True when `key` is a valid secp256k1 private key (32 bytes, 0 < d < n). */
export function isValidPrivateKey(key: Uint8Array): boolean {
  return key.length === 32 && ecc.isPrivate(key);
}

/**
 * The 33-byte compressed public key of a private key, lowercase hex.
 * @throws Error if the private key is invalid.
 */
export function publicKeyHex(privateKey: Uint8Array): string {
  const point = ecc.pointFromScalar(privateKey, true);
  if (!point) throw new Error("invalid private key");
  return Buffer.from(point).toString("hex");
}

/** A key held in memory, bound to its identity and owner. */
export interface HeldKey {
  readonly identityId: string;
  readonly userId: string;
  readonly publicKey: string;
  readonly privateKey: Uint8Array;
}

/** The in-memory key store: the only place private keys live. */
export interface KeyStore {
  get(identityId: string): HeldKey | undefined;
  /**
   * @throws KeyExistsError if a key is already held for the identity, IdentityDestroyedError if
   *   the identity was destroyed here (a destroyed key never comes back, whatever backup arrives).
   */
  put(identityId: string, userId: string, privateKey: Uint8Array): HeldKey;
  /** Wipes and drops the key and remembers the identity as destroyed; returns whether a key was held. */
  destroy(identityId: string): boolean;
  size(): number;
  /** How many identities this process remembers as destroyed. */
  destroyedCount(): number;
}

/** True when two private keys are byte-for-byte equal (constant time). */
export function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Creates an empty key store. The store takes ownership of the bytes passed to `put`. */
export function createKeyStore(): KeyStore {
  const keys = new Map<string, HeldKey>();
  // Identity ids only (no key material): bounded by the number of destroys this process sees.
  const destroyed = new Set<string>();
  return {
    get: (identityId) => keys.get(identityId),
    put(identityId, userId, privateKey) {
      if (destroyed.has(identityId)) {
        privateKey.fill(0);
        throw new IdentityDestroyedError();
      }
      if (keys.has(identityId)) throw new KeyExistsError();
      const held = { identityId, userId, publicKey: publicKeyHex(privateKey), privateKey };
      keys.set(identityId, held);
      return held;
    },
    destroy(identityId) {
      destroyed.add(identityId);
      const held = keys.get(identityId);
      if (!held) return false;
      held.privateKey.fill(0);
      keys.delete(identityId);
      return true;
    },
    size: () => keys.size,
    destroyedCount: () => destroyed.size,
  };
}
