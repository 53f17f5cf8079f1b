import { p2trAddress, type BitcoinNetwork } from "@clw/shared";

/**
 * The identity's Taproot (P2TR) address, or null when the key cannot be tweaked (which the
 * enclave never produces, but a page must not crash on).
 */
export function identityAddress(publicKey: string, network: BitcoinNetwork = "mainnet"): string | null {
  try {
    return p2trAddress(publicKey, network);
  } catch {
    return null;
  }
}

/** A BIP-21 URI for the QR code, so wallets read it as a Bitcoin address. */
export function addressUri(address: string): string {
  return `bitcoin:${address}`;
}

/** "bc1p5cyx…kedrcr": an address shortened for a list, keeping both ends to compare. */
export function shortAddress(address: string): string {
  return address.length > 20 ? `${address.slice(0, 8)}…${address.slice(-6)}` : address;
}
