import { bech32m } from "@scure/base";
import { hexToBytes } from "@noble/hashes/utils.js";
import { tapOutputKey } from "./psbt/taproot.js";

/** The Bitcoin networks an address can be shown for; signet shares testnet's `tb` prefix. */
export type BitcoinNetwork = "mainnet" | "testnet" | "signet" | "regtest";

/** The bech32 human-readable part of each network's segwit addresses (BIP-173). */
export const SEGWIT_HRP: Readonly<Record<BitcoinNetwork, string>> = { mainnet: "bc", testnet: "tb", signet: "tb", regtest: "bcrt" };

/**
 * The BIP-86 Taproot output key of an x-only internal key with no script tree:
 * Q = lift_x(P) + int(hash_TapTweak(P))·G, returned as 32 hex characters of x.
 * @throws Error when the key is not 32 bytes of hex or not on the curve.
 */
export function taprootOutputKey(xOnlyHex: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(xOnlyHex)) throw new Error("expected a 32-byte x-only public key in hex");
  return tapOutputKey(xOnlyHex.toLowerCase()).key;
}

/** Encodes a SegWit v1 witness program (32 bytes, hex) as a bech32m address (BIP-350). */
export function encodeSegwitV1(programHex: string, network: BitcoinNetwork = "mainnet"): string {
  if (!/^[0-9a-fA-F]{64}$/.test(programHex)) throw new Error("expected a 32-byte witness program in hex");
  return bech32m.encode(SEGWIT_HRP[network], [1, ...bech32m.toWords(hexToBytes(programHex.toLowerCase()))]);
}

/**
 * The P2TR (Taproot, key-path only, BIP-86) address of an identity's public key: `bc1p…` on
 * mainnet, `tb1p…` on testnet and signet, `bcrt1p…` on regtest. Accepts a 32-byte x-only key
 * or a 33-byte compressed key (hex).
 * @throws Error when the key is malformed or not on the curve.
 */
export function p2trAddress(publicKeyHex: string, network: BitcoinNetwork = "mainnet"): string {
  const xOnly = /^0[23][0-9a-fA-F]{64}$/.test(publicKeyHex) ? publicKeyHex.slice(2) : publicKeyHex;
  return encodeSegwitV1(taprootOutputKey(xOnly), network);
}
