import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SealedKeyInvalidError } from "./errors.js";
import { isValidPrivateKey } from "./keys.js";

/** Who a sealed key belongs to: a backup only opens for the same identity and owner. */
export interface SealBinding {
  identityId: string;
  userId: string;
}

export type SealingMode = "local" | "evervault";

/** Seals private keys into opaque backups and opens them again. */
export interface Sealer {
  readonly mode: SealingMode;
  /** Seals a 32-byte private key bound to `binding`. */
  seal(privateKey: Uint8Array, binding: SealBinding): Promise<string>;
  /**
   * Opens a sealed key and returns the 32 private key bytes.
   * @throws SealedKeyInvalidError if it was sealed in another mode, under another key,
   *   for another identity/owner, or was tampered with.
   */
  open(sealed: string, binding: SealBinding): Promise<Uint8Array>;
}

const PREFIXES: Record<SealingMode, string> = { local: "v1.local.", evervault: "v1.evervault." };

/**
 * Returns the body after this mode's prefix.
 * @throws SealedKeyInvalidError naming the mode mismatch when the blob belongs to another mode.
 */
export function stripSealPrefix(sealed: string, mode: SealingMode): string {
  if (sealed.startsWith(PREFIXES[mode])) return sealed.slice(PREFIXES[mode].length);
  for (const [other, prefix] of Object.entries(PREFIXES)) {
    if (sealed.startsWith(prefix)) {
      throw new SealedKeyInvalidError(`sealed key was sealed in ${other} mode but this enclave runs in ${mode} mode`);
    }
  }
  throw new SealedKeyInvalidError("sealed key has an unknown format");
}

/** Adds this mode's prefix to a sealed body. */
export function addSealPrefix(body: string, mode: SealingMode): string {
  return PREFIXES[mode] + body;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const aad = (b: SealBinding) => Buffer.from(`clw-cash:seal:v1:${b.identityId}:${b.userId}`, "utf8");

/**
 * The local sealer: AES-256-GCM under the operator's 32-byte key, the identity and owner
 * bound as additional data. Format `v1.local.` + base64url(iv ‖ ciphertext ‖ tag).
 * @throws Error if `sealingKeyHex` is not 64 hex characters.
 */
export function createLocalSealer(sealingKeyHex: string): Sealer {
  if (!/^[0-9a-fA-F]{64}$/.test(sealingKeyHex)) throw new Error("sealing key must be 64 hex characters");
  const key = Buffer.from(sealingKeyHex, "hex");
  return {
    mode: "local",
    async seal(privateKey, binding) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad(binding));
      const body = Buffer.concat([iv, cipher.update(privateKey), cipher.final(), cipher.getAuthTag()]);
      return addSealPrefix(body.toString("base64url"), "local");
    },
    async open(sealed, binding) {
      const raw = Buffer.from(stripSealPrefix(sealed, "local"), "base64url");
      if (raw.length !== IV_BYTES + 32 + TAG_BYTES) throw new SealedKeyInvalidError("sealed key is malformed");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES)).setAAD(aad(binding));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new SealedKeyInvalidError();
      }
      const privateKey = new Uint8Array(plain);
      plain.fill(0);
      if (!isValidPrivateKey(privateKey)) throw new SealedKeyInvalidError("sealed key holds an invalid key");
      return privateKey;
    },
  };
}
