/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_API_URL?: string;
  /** The Bitcoin network the API's Worker runs on (its BITCOIN_NETWORK): mainnet unless set. */
  readonly VITE_BITCOIN_NETWORK?: string;
  /** The bot's username without @, to name the chat where the owner confirms (optional). */
  readonly VITE_BOT_USERNAME?: string;
}
