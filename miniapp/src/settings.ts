import type { BitcoinNetwork } from "@clw/shared";

// The build's settings (`VITE_*`) read as values, checked by vite.config.ts before any build and
// read by config.ts in the page. Pure: no `import.meta.env` here, so Node can run it too.

const NETWORKS: readonly BitcoinNetwork[] = ["mainnet", "testnet", "signet", "regtest"];

/**
 * `VITE_BITCOIN_NETWORK` as a network: empty or unset means mainnet.
 * @throws Error naming the variable and the values it takes, for anything else.
 */
export function parseBitcoinNetwork(raw: string | undefined): BitcoinNetwork {
  const value = (raw ?? "").trim().toLowerCase();
  if (value === "") return "mainnet";
  if ((NETWORKS as readonly string[]).includes(value)) return value as BitcoinNetwork;
  throw new Error(`VITE_BITCOIN_NETWORK must be one of ${NETWORKS.join(", ")} (got "${raw}"): set it to the Worker's BITCOIN_NETWORK`);
}

/**
 * `VITE_BOT_USERNAME` without a leading `@`; empty or unset means unknown (null).
 * @throws Error naming the variable, for anything that is not a Telegram bot username.
 */
export function parseBotUsername(raw: string | undefined): string | null {
  const value = (raw ?? "").trim().replace(/^@/, "");
  if (value === "") return null;
  if (!/^[A-Za-z0-9_]{5,32}$/.test(value)) throw new Error(`VITE_BOT_USERNAME must be a Telegram username (5-32 letters, digits or _), got "${raw}"`);
  return value;
}

/** "Bitcoin mainnet", "Bitcoin testnet": the network as the owner reads it. */
export function networkName(network: BitcoinNetwork): string {
  return `Bitcoin ${network}`;
}
