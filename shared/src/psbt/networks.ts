import type { Transaction } from "@scure/btc-signer";
import type { BitcoinNetwork } from "../bitcoin.js";
import type { GlobalXpub } from "./decode.js";
import { PsbtError } from "./errors.js";

/** BIP-32 keys only tell mainnet from "some test network": testnet, signet and regtest share tpub. */
type KeyNetwork = "main" | "test";

// SLIP-132 version bytes of extended public keys (xpub/ypub/zpub and their multisig forms).
const XPUB_VERSIONS: Record<number, KeyNetwork> = {
  0x0488b21e: "main", 0x049d7cb2: "main", 0x04b24746: "main", 0x0295b43f: "main", 0x02aa7ed3: "main",
  0x043587cf: "test", 0x044a5262: "test", 0x045f1cf6: "test", 0x024289ef: "test", 0x02575483: "test",
};
const HARDENED = 0x80000000;
// BIP-44-style purposes, whose second level is the coin type: 0' Bitcoin, 1' every test network.
const PURPOSES = new Set([44, 48, 49, 84, 86]);

interface Derivation {
  fingerprint: number;
  path: readonly number[];
}

/** The BIP-32 derivation fields an input or output map may carry. */
interface DerivationFields {
  bip32Derivation?: ReadonlyArray<readonly [unknown, Derivation]>;
  tapBip32Derivation?: ReadonlyArray<readonly [unknown, { der: Derivation }]>;
}

function pathNetwork(path: readonly number[]): KeyNetwork | null {
  const [purpose, coin] = path;
  if (purpose === undefined || coin === undefined) return null;
  if (purpose < HARDENED || coin < HARDENED || !PURPOSES.has(purpose - HARDENED)) return null;
  if (coin === HARDENED) return "main";
  return coin === HARDENED + 1 ? "test" : null;
}

function derivationsOf(map: DerivationFields): Derivation[] {
  return [...(map.bip32Derivation ?? []).map(([, d]) => d), ...(map.tapBip32Derivation ?? []).map(([, d]) => d.der)];
}

/** Every network signal a PSBT carries, with where it came from. */
function collectSignals(tx: Transaction, xpubs: readonly GlobalXpub[]) {
  const signals: Array<{ network: KeyNetwork | "unknown"; where: string }> = [];
  xpubs.forEach(([xpub], i) => {
    const version = `0x${xpub.version.toString(16).padStart(8, "0")}`;
    signals.push({ network: XPUB_VERSIONS[xpub.version] ?? "unknown", where: `global xpub ${i} (version ${version})` });
  });
  const add = (derivations: Derivation[], where: string) => {
    for (const d of derivations) {
      const network = pathNetwork(d.path);
      if (network) signals.push({ network, where: `${where} (coin type ${network === "main" ? "0'" : "1'"})` });
    }
  };
  for (let i = 0; i < tx.inputsLength; i++) add(derivationsOf(tx.getInput(i)), `input ${i}'s BIP-32 derivation`);
  for (let i = 0; i < tx.outputsLength; i++) add(derivationsOf(tx.getOutput(i)), `output ${i}'s BIP-32 derivation`);
  return signals;
}

/**
 * Checks that the PSBT's extended public keys (PSBT_GLOBAL_XPUB version bytes) and BIP-44-style
 * derivation paths (coin type 0' or 1') agree with each other and with `network`. A PSBT built
 * for testnet but presented as mainnet (or the reverse) is refused, not reinterpreted.
 * @throws PsbtError `mixed_networks` naming the first disagreeing field.
 */
export function checkNetworks(tx: Transaction, xpubs: readonly GlobalXpub[], network: BitcoinNetwork): void {
  const expected: KeyNetwork = network === "mainnet" ? "main" : "test";
  for (const { network: seen, where } of collectSignals(tx, xpubs)) {
    if (seen === "unknown") {
      throw new PsbtError("mixed_networks", `${where} belongs to no Bitcoin network: rebuild the PSBT for ${network}`);
    }
    if (seen !== expected) {
      const name = seen === "main" ? "mainnet" : "a test network";
      throw new PsbtError("mixed_networks", `${where} is for ${name} but the PSBT was sent for ${network}: mixed networks`);
    }
  }
}
