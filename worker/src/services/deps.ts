import type { DbHandle } from "../db/client.js";
import type { UsersTable } from "../db/schema.js";
import type { Config } from "../env.js";
import type { SignerClient } from "../signer-client.js";
import type { RateCounter } from "./rate-limit.js";

/** Everything a service needs, built once per isolate except `defer` (per request). */
export interface Deps {
  config: Config;
  dbh: DbHandle;
  signer: SignerClient;
  kvTickets: KVNamespace;
  rateCounter: RateCounter;
  /** Telegram account → user, which never changes once made: spares a read per bot update. */
  usersByTelegramId: Map<number, UsersTable>;
  now: () => number;
  /**
   * Test mode for this request: challenges that name a user resolve at once and actions that
   * need the owner in Telegram happen at once. Only when the configuration allows it and the
   * request came to a loopback host (or ENVIRONMENT=local): a deployed Worker never mints
   * sessions for anyone who asks.
   */
  testMode: boolean;
  /** Runs work after the response is sent (the request's `waitUntil`). */
  defer: (work: Promise<unknown>) => void;
}

/** Where a state change came from, recorded in the audit trail. */
export type Source = "api" | "telegram" | "miniapp" | "system";
