// TEST-ONLY: backups made the way the old clw.cash signer made them, written from its source
// (enclave/src/index.ts there: sealKeyLocal, sealKey, generateKey) and independent of the code
// under test: keys come from random bytes and their public keys from @noble/curves.
import { createCipheriv, randomBytes } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";

/** A key as the old signer held it: 64 lowercase hex characters, with its compressed public key. */
export interface OldKey {
  privateKeyHex: string;
  publicKey: string;
}

/** The public key (33-byte compressed, hex) of a private key given in hex. */
export function publicKeyOf(privateKeyHex: string): string {
  return Buffer.from(secp256k1.getPublicKey(Buffer.from(privateKeyHex, "hex"), true)).toString("hex");
}

/** A fresh key, drawn as the old signer drew it (32 random bytes, as hex). */
export function oldKey(): OldKey {
  const privateKeyHex = randomBytes(32).toString("hex");
  return { privateKeyHex, publicKey: publicKeyOf(privateKeyHex) };
}

/**
 * The old local backup: AES-256-GCM under the 32-byte SEALING_KEY, a random 12-byte IV and no
 * additional data, over the key's hex string as UTF-8; `<iv>:<ciphertext>:<tag>` in hex.
 * `plaintext` replaces the key's hex, to seal something the old signer never would.
 */
export function oldSealLocal(privateKeyHex: string, sealingKeyHex: string, plaintext = privateKeyHex): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(sealingKeyHex, "hex"), iv);
  const encrypted = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${iv.toString("hex")}:${encrypted.toString("hex")}:${cipher.getAuthTag().toString("hex")}`;
}

/**
 * The old Evervault backup: `POST /encrypt` with the key's hex as a bare JSON string. `raw`
 * keeps the answer's text as is (quotes included), as the signer did while the old API kept
 * its backups in key-backups.json; otherwise the answer is parsed, as it did later.
 * @throws if the crypto API does not answer 200 with a JSON string.
 */
export async function oldSealEvervault(cryptoUrl: string, plaintext: string, raw = false): Promise<string> {
  const res = await fetch(`${cryptoUrl}/encrypt`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(plaintext) });
  if (!res.ok) throw new Error(`encrypt answered ${res.status}`);
  const text = await res.text();
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== "string") throw new Error("encrypt did not answer a JSON string");
  return raw ? text : parsed;
}

/** Flips one bit of the ciphertext part of an old local backup. */
export function tamperOldLocal(sealed: string): string {
  const [iv, ciphertext, tag] = sealed.split(":") as [string, string, string];
  const flipped = (parseInt(ciphertext.slice(0, 2), 16) ^ 0x01).toString(16).padStart(2, "0");
  return `${iv}:${flipped}${ciphertext.slice(2)}:${tag}`;
}
