import { createDecipheriv } from "node:crypto";
import { SealedKeyInvalidError, SealingBackendError } from "./errors.js";
import { isValidPrivateKey } from "./keys.js";
import { postCryptoApi, type EvervaultSealerOptions } from "./sealing-evervault.js";
import type { SealingMode } from "./sealing.js";

/**
 * The two formats the old signer wrote. Both hold the private key as 64 lowercase hex characters
 * and bind nothing (no identity, no owner), so the caller must say which public key to expect.
 * - `legacy-local`: `<iv hex>:<ciphertext hex>:<tag hex>`, AES-256-GCM under its SEALING_KEY, no AAD.
 * - `legacy-evervault`: the `ev:…` string Evervault's in-enclave `POST /encrypt` returned for it.
 */
export type LegacyFormat = "legacy-local" | "legacy-evervault";

const LEGACY_LOCAL = /^[0-9a-fA-F]+:[0-9a-fA-F]+:[0-9a-fA-F]+$/;
// The old API once stored Evervault's raw JSON answer, quotes included, and stripped them on use.
const LEGACY_EVERVAULT = /^(?:ev:[^"]*|"ev:[^"]*")$/;

/** The legacy format of a sealed key, or undefined for the current `v1.` formats and anything else. */
export function legacyFormatOf(sealed: string): LegacyFormat | undefined {
  if (LEGACY_LOCAL.test(sealed)) return "legacy-local";
  if (LEGACY_EVERVAULT.test(sealed)) return "legacy-evervault";
  return undefined;
}

/** Opens the old signer's backups. */
export interface LegacyOpener {
  /**
   * Returns the 32 private key bytes of a legacy backup.
   * @throws SealedKeyInvalidError when it cannot be opened here (no LEGACY_SEALING_KEY, wrong
   *   mode, wrong key, tampered, malformed, or a plaintext that is not a valid key);
   *   SealingBackendError when Evervault's crypto API fails.
   */
  open(sealed: string, format: LegacyFormat): Promise<Uint8Array>;
}

export interface LegacyOpenerOptions {
  /** The signer's sealing mode: legacy Evervault backups open only in evervault mode. */
  mode: SealingMode;
  /** LEGACY_SEALING_KEY (64 hex), the old signer's SEALING_KEY; without it legacy local backups are refused. */
  sealingKeyHex?: string;
  /** The in-enclave crypto API (evervault mode). */
  evervault?: EvervaultSealerOptions;
}

/** Hex lengths of a 12-byte IV, the 64-byte ciphertext of 64 hex characters, and a 16-byte tag. */
const PART_LENGTHS = [24, 128, 32];

/** The old plaintext: the key as 64 hex characters (lowercase as the old signer wrote it). */
function keyFromPlaintext(plaintext: string, label: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(plaintext)) throw new SealedKeyInvalidError(`${label} does not hold a 64-character hex private key`);
  const privateKey = new Uint8Array(Buffer.from(plaintext, "hex"));
  if (!isValidPrivateKey(privateKey)) throw new SealedKeyInvalidError(`${label} holds an invalid secp256k1 key`);
  return privateKey;
}

function openLocal(sealed: string, keyHex: string | undefined): Uint8Array {
  const label = "legacy local backup";
  if (!keyHex) throw new SealedKeyInvalidError(`sealed key is a ${label} (iv:ciphertext:tag): set LEGACY_SEALING_KEY to the old signer's SEALING_KEY to open it`);
  const parts = sealed.split(":");
  if (parts.some((part, i) => part.length !== PART_LENGTHS[i])) {
    throw new SealedKeyInvalidError(`${label} is malformed: expected a 12-byte IV, a 64-byte ciphertext and a 16-byte tag`);
  }
  const [iv, ciphertext, tag] = parts.map((part) => Buffer.from(part, "hex"));
  const decipher = createDecipheriv("aes-256-gcm", Buffer.from(keyHex, "hex"), iv!).setAuthTag(tag!);
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(ciphertext!), decipher.final()]);
  } catch {
    throw new SealedKeyInvalidError(`${label} does not open under LEGACY_SEALING_KEY (another key, or tampered with)`);
  }
  try {
    return keyFromPlaintext(plain.toString("utf8"), label);
  } finally {
    plain.fill(0);
  }
}

async function openEvervault(sealed: string, options: LegacyOpenerOptions): Promise<Uint8Array> {
  const label = "legacy Evervault backup";
  if (options.mode !== "evervault" || !options.evervault) {
    throw new SealedKeyInvalidError(`sealed key is a ${label}, which opens only in evervault mode, but this enclave runs in ${options.mode} mode`);
  }
  const ciphertext = sealed.startsWith('"') ? sealed.slice(1, -1) : sealed;
  // The old signer's request shape: the ciphertext itself as a JSON string, answered likewise.
  const out = await postCryptoApi(options.evervault, "/decrypt", ciphertext);
  if (out.status >= 500) throw new SealingBackendError(`evervault decrypt failed (status ${out.status})`);
  if (typeof out.json !== "string") throw new SealedKeyInvalidError(`${label} does not open (another Evervault app, or tampered with)`);
  return keyFromPlaintext(out.json, label);
}

/** Creates the opener for legacy backups; it never falls back from one mode to the other. */
export function createLegacyOpener(options: LegacyOpenerOptions): LegacyOpener {
  if (options.sealingKeyHex !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.sealingKeyHex)) {
    throw new Error("legacy sealing key must be 64 hex characters");
  }
  return {
    async open(sealed, format) {
      return format === "legacy-local" ? openLocal(sealed, options.sealingKeyHex) : openEvervault(sealed, options);
    },
  };
}
