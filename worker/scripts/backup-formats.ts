/**
 * The sealed-key formats a key backup may hold on its way into D1, recognised by shape alone
 * (this runs offline, without the signer). Nothing here ever repeats a key or a backup back.
 */
export type BackupFormat = "v1.local" | "v1.evervault" | "legacy local" | "legacy evervault";

export type Classified = { ok: true; format: BackupFormat; sealedKey: string } | { ok: false; problem: string };

// Evervault's ciphertext: `ev:<version>[:<type>]:<iv>:<key>:<data>:$`, base64 (unpadded) parts.
const EVERVAULT = /^ev:[A-Za-z0-9]{4}(?::[A-Za-z0-9+/=_-]+)+(?::\$)?$/;
const evervault = (body: string) => body.length >= 24 && body.length <= 2048 && EVERVAULT.test(body);

// The current local format: base64url(12-byte IV ‖ 32-byte key ‖ 16-byte tag).
const CURRENT_LOCAL = /^v1\.local\.[A-Za-z0-9_-]{80}$/;

// The old signer's local format: hex IV (12 bytes), ciphertext of the key's 64 hex characters
// (64 bytes) and tag (16 bytes).
const HEX_PARTS = /^[0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F]*$/;
const LEGACY_LOCAL_DIGITS = [24, 128, 32];

/** Private keys as people and programs write them: hex (bare, 0x, quoted), WIF, nsec, extended keys. */
const PLAINTEXT = [
  /^\s*["']?(0x)?[0-9a-fA-F]{64}["']?\s*$/,
  /^\s*[5KLc9][1-9A-HJ-NP-Za-km-z]{50,51}\s*$/,
  /^\s*nsec1[02-9ac-hj-np-z]{58}\s*$/,
  /^\s*[xtyzuv]prv[1-9A-HJ-NP-Za-km-z]{100,112}\s*$/,
];

/** True when the value looks like a private key in the clear rather than a sealed one. */
export function looksLikePlaintextKey(value: string): boolean {
  return PLAINTEXT.some((re) => re.test(value));
}

function legacyLocal(value: string): Classified {
  const digits = value.split(":").map((part) => part.length);
  if (digits.some((n, i) => n !== LEGACY_LOCAL_DIGITS[i])) {
    const problem = `is a legacy local backup of the wrong size: a 12-byte IV, a 64-byte ciphertext and a 16-byte tag (24, 128 and 32 hex digits) expected, found ${digits.join(", ")} hex digits`;
    return { ok: false, problem };
  }
  return { ok: true, format: "legacy local", sealedKey: value };
}

/**
 * Recognises a backup: the signer's current `v1.local.` / `v1.evervault.` formats, or the old
 * signer's `iv:ciphertext:tag` (hex) and `ev:…` strings. The old API stored Evervault's raw
 * JSON answer, so a legacy Evervault backup may come quoted (`"ev:…"`); the quotes are dropped.
 * Anything else, and above all a key in the clear, is a problem.
 */
export function classifyBackup(value: string): Classified {
  if (looksLikePlaintextKey(value)) {
    return { ok: false, problem: "is a plaintext private key, not a sealed backup: it is never imported (seal it with the old signer first)" };
  }
  if (value.startsWith("v1.local.")) {
    return CURRENT_LOCAL.test(value) ? { ok: true, format: "v1.local", sealedKey: value } : { ok: false, problem: "is not a well-formed v1.local backup" };
  }
  if (value.startsWith("v1.evervault.")) {
    return evervault(value.slice("v1.evervault.".length)) ? { ok: true, format: "v1.evervault", sealedKey: value } : { ok: false, problem: "is not a well-formed v1.evervault backup" };
  }
  if (HEX_PARTS.test(value)) return legacyLocal(value);
  const unquoted = /^"ev:[^"]*"$/.test(value) ? value.slice(1, -1) : value;
  if (unquoted.startsWith("ev:")) {
    return evervault(unquoted) ? { ok: true, format: "legacy evervault", sealedKey: unquoted } : { ok: false, problem: "is not a well-formed Evervault ciphertext (ev:…)" };
  }
  return { ok: false, problem: "is not a sealed backup in any known format (v1.local, v1.evervault, the old iv:ciphertext:tag, or ev:…)" };
}
