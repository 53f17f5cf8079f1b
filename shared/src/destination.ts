import { sha256 } from "@noble/hashes/sha2.js";
import { bech32, bech32m, createBase58check } from "@scure/base";

export type AddressNetwork = "mainnet" | "testnet" | "regtest";

export interface ParsedAddress {
  network: AddressNetwork;
  kind: "p2pkh" | "p2sh" | "segwit";
}

const HRP: Record<string, AddressNetwork> = { bc: "mainnet", tb: "testnet", bcrt: "regtest" };
const BASE58_VERSIONS: Record<number, ParsedAddress> = {
  0x00: { network: "mainnet", kind: "p2pkh" },
  0x05: { network: "mainnet", kind: "p2sh" },
  0x6f: { network: "testnet", kind: "p2pkh" },
  0xc4: { network: "testnet", kind: "p2sh" },
};
const base58check = createBase58check(sha256);

function parseSegwit(address: string): ParsedAddress | null {
  const lower = address.toLowerCase();
  if (address !== lower && address !== address.toUpperCase()) return null;
  for (const codec of [bech32, bech32m]) {
    try {
      const { prefix, words } = codec.decode(lower as `${string}1${string}`, 90);
      const network = HRP[prefix];
      const version = words[0];
      if (!network || version === undefined || version > 16) continue;
      // BIP-350: version 0 uses bech32, versions 1-16 use bech32m.
      if ((version === 0) !== (codec === bech32)) continue;
      const program = codec.fromWords(words.slice(1));
      if (program.length < 2 || program.length > 40) continue;
      if (version === 0 && program.length !== 20 && program.length !== 32) continue;
      return { network, kind: "segwit" };
    } catch {
      // not this encoding
    }
  }
  return null;
}

function parseBase58(address: string): ParsedAddress | null {
  try {
    const payload = base58check.decode(address);
    return payload.length === 21 ? (BASE58_VERSIONS[payload[0]!] ?? null) : null;
  } catch {
    return null;
  }
}

/** Parses a Bitcoin address (base58check or segwit, BIP-173/350 checksums); null when malformed. */
export function parseBitcoinAddress(address: string): ParsedAddress | null {
  if (typeof address !== "string" || address.length < 14 || address.length > 90) return null;
  return /^(bc|tb|bcrt)1/i.test(address) ? parseSegwit(address) : parseBase58(address);
}
