import { bytesToHex } from "@clw/shared";

/** `bytes` random bytes as lowercase hex, from the platform's CSPRNG. */
export function randomToken(bytes: number): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(bytes)));
}
