import { sha256 } from "@noble/hashes/sha2.js";
import { bech32, bech32m, createBase58check } from "@scure/base";
import { SEGWIT_HRP, type BitcoinNetwork } from "../bitcoin.js";

const base58check = createBase58check(sha256);
// Base58 version bytes: testnet, signet and regtest share them.
const P2PKH_VERSION: Record<BitcoinNetwork, number> = { mainnet: 0x00, testnet: 0x6f, signet: 0x6f, regtest: 0x6f };
const P2SH_VERSION: Record<BitcoinNetwork, number> = { mainnet: 0x05, testnet: 0xc4, signet: 0xc4, regtest: 0xc4 };

function base58(version: number, hash: Uint8Array): string {
  return base58check.encode(Uint8Array.of(version, ...hash));
}

function segwit(script: Uint8Array, network: BitcoinNetwork): string | null {
  const op = script[0]!;
  const version = op === 0x00 ? 0 : op >= 0x51 && op <= 0x60 ? op - 0x50 : -1;
  const length = script[1]!;
  if (version < 0 || length < 2 || length > 40 || script.length !== length + 2) return null;
  if (version === 0 && length !== 20 && length !== 32) return null;
  // BIP-350: version 0 keeps bech32, every later version uses bech32m.
  const codec = version === 0 ? bech32 : bech32m;
  return codec.encode(SEGWIT_HRP[network], [version, ...codec.toWords(script.subarray(2))]);
}

/**
 * The address an output script pays to on `network`: P2PKH, P2SH and every SegWit version
 * (BIP-173/350). Returns null for scripts no address can name (OP_RETURN, bare multisig, …).
 */
export function scriptAddress(script: Uint8Array, network: BitcoinNetwork): string | null {
  const s = script;
  if (s.length === 25 && s[0] === 0x76 && s[1] === 0xa9 && s[2] === 0x14 && s[23] === 0x88 && s[24] === 0xac) {
    return base58(P2PKH_VERSION[network], s.subarray(3, 23));
  }
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) {
    return base58(P2SH_VERSION[network], s.subarray(2, 22));
  }
  return s.length >= 4 ? segwit(s, network) : null;
}
