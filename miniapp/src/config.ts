import { parseBitcoinNetwork, parseBotUsername } from "./settings.js";

// The build's settings (from .env.development / .env.production or the environment); vite.config.ts
// checks them first, so a wrong value fails the build rather than the page.

/** The Bitcoin network addresses are shown for: the Worker's BITCOIN_NETWORK. */
export const BITCOIN_NETWORK = parseBitcoinNetwork(import.meta.env.VITE_BITCOIN_NETWORK);

/** The bot's username when the build names it (a browser sign-in also learns it from its deep link). */
export const BOT_USERNAME: string | null = parseBotUsername(import.meta.env.VITE_BOT_USERNAME);
