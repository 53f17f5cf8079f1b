import type { BitcoinNetwork } from "@clw/shared";
import { z } from "zod";

/** The Worker's bindings, vars and secrets, as configured in wrangler.toml and `wrangler secret put`. */
export interface Env {
  DB: D1Database;
  KV_TICKETS: KVNamespace;
  KV_RATE_LIMIT: KVNamespace;
  ENVIRONMENT?: string;
  ENCLAVE_BASE_URL?: string;
  ALLOWED_ORIGINS?: string;
  ALLOW_TEST_AUTH?: string;
  TICKET_TTL_SECONDS?: string;
  SESSION_TTL_SECONDS?: string;
  CHALLENGE_TTL_SECONDS?: string;
  RATE_LIMIT_WINDOW_MS?: string;
  RATE_LIMIT_PER_USER?: string;
  RATE_LIMIT_PER_IDENTITY_SIGN?: string;
  MAX_IDENTITIES_PER_USER?: string;
  MAX_PENDING_REQUESTS_PER_USER?: string;
  ENCLAVE_TIMEOUT_MS?: string;
  INTERNAL_API_KEY?: string;
  TICKET_SIGNING_SECRET?: string;
  SESSION_SIGNING_SECRET?: string;
  SESSION_SIGNING_SECRET_PREVIOUS?: string;
  TICKET_SIGNING_SECRET_PREVIOUS?: string;
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_BOT_USERNAME?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
  TELEGRAM_API_ROOT?: string;
  TELEGRAM_ADMIN_CHAT_ID?: string;
  MINIAPP_URL?: string;
  APPROVAL_TTL_SECONDS?: string;
  APPROVAL_INIT_DATA_MAX_AGE_SECONDS?: string;
  INIT_DATA_MAX_AGE_SECONDS?: string;
  EV_API_KEY?: string;
  BITCOIN_NETWORK?: string;
}

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const MISSING = "not set";
const secret = () => z.string({ error: MISSING }).min(16, "must be at least 16 characters");

/** A deployed Worker and `wrangler dev` read secrets from different places: name both. */
const whereToSet = (names: string[]) =>
  `set ${names.join(", ")} with \`npx wrangler secret put <name>\`, or locally in .dev.vars at the repository root (\`pnpm secrets:local\` or \`pnpm dev\` creates one)`;

const configSchema = z.object({
  ENVIRONMENT: z.string().default("development"),
  ENCLAVE_BASE_URL: z.url().default("http://127.0.0.1:7000"),
  ALLOWED_ORIGINS: z.string().default(""),
  ALLOW_TEST_AUTH: z.string().default("false"),
  TICKET_TTL_SECONDS: seconds(90),
  SESSION_TTL_SECONDS: seconds(3600),
  CHALLENGE_TTL_SECONDS: seconds(300),
  RATE_LIMIT_WINDOW_MS: seconds(60_000),
  RATE_LIMIT_PER_USER: seconds(60),
  RATE_LIMIT_PER_IDENTITY_SIGN: seconds(20),
  MAX_IDENTITIES_PER_USER: seconds(100),
  MAX_PENDING_REQUESTS_PER_USER: seconds(20),
  ENCLAVE_TIMEOUT_MS: seconds(5000),
  INTERNAL_API_KEY: secret(),
  TICKET_SIGNING_SECRET: secret(),
  SESSION_SIGNING_SECRET: secret(),
  SESSION_SIGNING_SECRET_PREVIOUS: secret().optional(),
  TICKET_SIGNING_SECRET_PREVIOUS: secret().optional(),
  TELEGRAM_BOT_TOKEN: z.string().min(1).optional(),
  TELEGRAM_BOT_USERNAME: z.string().min(1).optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of A-Z, a-z, 0-9, _ and -").optional(),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
  TELEGRAM_ADMIN_CHAT_ID: z.string().regex(/^-?\d{1,20}$/, "must be a Telegram chat id").optional(),
  MINIAPP_URL: z.url().default("https://pay.clw.cash"),
  APPROVAL_TTL_SECONDS: seconds(600),
  APPROVAL_INIT_DATA_MAX_AGE_SECONDS: seconds(300),
  INIT_DATA_MAX_AGE_SECONDS: seconds(300),
  EV_API_KEY: z.string().min(1).optional(),
  BITCOIN_NETWORK: z.enum(["mainnet", "testnet", "signet", "regtest"]).default("mainnet"),
});

/** Every var and secret the Worker reads, e.g. for tooling that must set or clear each one. */
export const configNames = Object.keys(configSchema.shape) as (keyof Env & keyof typeof configSchema.shape)[];

export interface Config {
  environment: string;
  enclaveBaseUrl: string;
  enclaveTimeoutMs: number;
  allowedOrigins: string[];
  /**
   * Test mode may be used: ALLOW_TEST_AUTH=true, no bot token, not production. It applies only to
   * requests to a loopback host, or anywhere with ENVIRONMENT=local (see `Deps.testMode`).
   */
  testModeAllowed: boolean;
  ticketTtlSeconds: number;
  sessionTtlSeconds: number;
  challengeTtlSeconds: number;
  rateLimit: { windowMs: number; perUser: number; perIdentitySign: number };
  /** Caps per user: active identities, and requests waiting for the owner. */
  caps: { identitiesPerUser: number; pendingRequestsPerUser: number };
  internalApiKey: string;
  /** Signs tickets and sessions. */
  ticketSecret: Uint8Array;
  sessionSecret: Uint8Array;
  /** Still accepted, never used to sign, while a rotation is under way (`*_PREVIOUS`). */
  previousTicketSecret?: Uint8Array;
  previousSessionSecret?: Uint8Array;
  telegram: { botToken?: string; botUsername?: string; webhookSecret?: string; apiRoot: string; adminChatId?: string };
  miniAppUrl: string;
  /** How long a payment or signing request waits for the owner. */
  approvalTtlSeconds: number;
  /** How fresh Mini App init data must be to approve a request. */
  approvalInitDataMaxAgeSeconds: number;
  /** How long Mini App init data stays acceptable after its `auth_date`. */
  initDataMaxAgeSeconds: number;
  evApiKey?: string;
  /** The Bitcoin network this deployment's PSBTs and addresses are for. */
  bitcoinNetwork: BitcoinNetwork;
}

/** Raised when a var or secret is missing or invalid; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * An empty value counts as unset, like in the enclave: `.dev.vars` copied from an example,
 * `--var NAME:` and an emptied dashboard field all leave a variable empty rather than absent.
 */
function withoutEmptyValues(env: Env): Record<string, unknown> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
}

/**
 * Parses the Worker's vars and secrets once. Empty values count as unset.
 * @throws ConfigError naming every missing or invalid variable (and, for a missing secret,
 * where to set it).
 */
export function parseConfig(env: Env): Config {
  const parsed = configSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    const missing = parsed.error.issues.filter((issue) => issue.message === MISSING).map((issue) => issue.path.join("."));
    throw new ConfigError(`invalid Worker configuration: ${problems.join("; ")}${missing.length ? ` — ${whereToSet(missing)}` : ""}`);
  }
  const v = parsed.data;
  const encoder = new TextEncoder();
  return {
    environment: v.ENVIRONMENT,
    enclaveBaseUrl: v.ENCLAVE_BASE_URL.replace(/\/+$/, ""),
    enclaveTimeoutMs: v.ENCLAVE_TIMEOUT_MS,
    allowedOrigins: v.ALLOWED_ORIGINS.split(",").map((o) => o.trim()).filter(Boolean),
    testModeAllowed: !v.TELEGRAM_BOT_TOKEN && v.ALLOW_TEST_AUTH === "true" && v.ENVIRONMENT !== "production",
    ticketTtlSeconds: v.TICKET_TTL_SECONDS,
    sessionTtlSeconds: v.SESSION_TTL_SECONDS,
    challengeTtlSeconds: v.CHALLENGE_TTL_SECONDS,
    rateLimit: {
      windowMs: v.RATE_LIMIT_WINDOW_MS,
      perUser: v.RATE_LIMIT_PER_USER,
      perIdentitySign: v.RATE_LIMIT_PER_IDENTITY_SIGN,
    },
    caps: { identitiesPerUser: v.MAX_IDENTITIES_PER_USER, pendingRequestsPerUser: v.MAX_PENDING_REQUESTS_PER_USER },
    internalApiKey: v.INTERNAL_API_KEY,
    ticketSecret: encoder.encode(v.TICKET_SIGNING_SECRET),
    sessionSecret: encoder.encode(v.SESSION_SIGNING_SECRET),
    previousTicketSecret: v.TICKET_SIGNING_SECRET_PREVIOUS ? encoder.encode(v.TICKET_SIGNING_SECRET_PREVIOUS) : undefined,
    previousSessionSecret: v.SESSION_SIGNING_SECRET_PREVIOUS ? encoder.encode(v.SESSION_SIGNING_SECRET_PREVIOUS) : undefined,
    telegram: {
      botToken: v.TELEGRAM_BOT_TOKEN,
      botUsername: v.TELEGRAM_BOT_USERNAME,
      webhookSecret: v.TELEGRAM_WEBHOOK_SECRET,
      apiRoot: v.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
      adminChatId: v.TELEGRAM_ADMIN_CHAT_ID,
    },
    miniAppUrl: v.MINIAPP_URL.replace(/\/+$/, ""),
    approvalTtlSeconds: v.APPROVAL_TTL_SECONDS,
    approvalInitDataMaxAgeSeconds: v.APPROVAL_INIT_DATA_MAX_AGE_SECONDS,
    initDataMaxAgeSeconds: v.INIT_DATA_MAX_AGE_SECONDS,
    evApiKey: v.EV_API_KEY,
    bitcoinNetwork: v.BITCOIN_NETWORK,
  };
}
