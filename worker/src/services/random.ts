import { bytesToHex } from "@clw/shared";

/** `bytes` random bytes as lowercase hex, from the platform's CSPRNG. */
export function randomToken(bytes: number): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** SHA-256 of a text (UTF-8), as lowercase hex. */
export async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}
