import { ClwApiError, createClient, type ClwClient } from "../client.js";
import { idSchema, paymentSchema, type IntentState, type Payment, type PendingIntent, type SignedPsbt } from "../contract/index.js";
import { normalizeDigest } from "../hex.js";
import { requireKey, resolveCredentials, type Credentials } from "./config.js";
import { CliError, EXIT, isAbort, usageError } from "./errors.js";
import type { CliIo } from "./io.js";

/**
 * The agent's tools: what `clw` and `clw mcp` do, as thin steps over the typed client. Each
 * function throws `ClwApiError` for the API's refusals and `CliError` for what is wrong before
 * the API is asked.
 */
export interface Agent {
  client: ClwClient;
  credentials: Credentials;
}

/** A client for the saved (or `CLW_AGENT_KEY`) agent key; every request stops when `signal` aborts. */
export async function connectAgent(io: CliIo, apiFlag?: string, signal: AbortSignal = io.signal): Promise<Agent> {
  const credentials = await resolveCredentials(io, apiFlag);
  const token = requireKey(credentials);
  const baseFetch = io.fetch ?? globalThis.fetch.bind(globalThis);
  const fetch: typeof globalThis.fetch = (input, init) => baseFetch(input, { ...init, signal });
  return { client: createClient({ baseUrl: credentials.apiUrl, token, fetch }), credentials };
}

/** One of the agent's keys as `clw keys` shows it. */
export interface KeyView {
  id: string;
  public_key: string;
  /** The BIP-86 Taproot address on the API's network. */
  address: string | null;
  created_at: string;
}

/** The identities this agent key may use (needs the "read" permission). */
export async function listKeys(agent: Agent): Promise<KeyView[]> {
  const items = await agent.client.listIdentities();
  return items.map((i) => ({ id: i.id, public_key: i.public_key, address: i.address ?? null, created_at: i.created_at }));
}

/** A valid identity id (a UUID), lowercased. @throws a usage error naming `option`. */
export function identityArg(value: string, option: string): string {
  if (!idSchema.safeParse(value).success) throw usageError(`${option} must be an identity id (a UUID), not "${value}"`);
  return value.toLowerCase();
}

/** The identity chosen, and this key's identities when choosing meant listing them. */
async function choose(agent: Agent, requested: string | undefined, option: string): Promise<{ id: string; listed?: KeyView[] }> {
  if (requested !== undefined) return { id: identityArg(requested, option) };
  const granted = agent.credentials.agent?.identity_ids;
  if (granted?.length === 1) return { id: granted[0]! };
  let keys: KeyView[];
  try {
    keys = await listKeys(agent);
  } catch (error) {
    if (error instanceof ClwApiError && error.status === 403) throw usageError(`choose an identity with ${option}: this agent key may not list its keys (${error.message})`);
    throw error;
  }
  if (keys.length === 1) return { id: keys[0]!.id, listed: keys };
  if (keys.length === 0) throw new CliError(EXIT.failed, "this agent key can use no identity yet: the owner creates one in Telegram (/new)", "no_identity");
  throw usageError(`this agent key can use ${keys.length} identities; choose one with ${option}: ${keys.map((k) => k.id).join(", ")}`);
}

/**
 * The identity to use: the one asked for, else the only one this key may use (from what the
 * owner granted, or by listing). `option` names the way to choose one, for the message.
 * @throws CliError when there is none, or more than one and none was chosen.
 */
export async function pickIdentity(agent: Agent, requested: string | undefined, option: string): Promise<string> {
  return (await choose(agent, requested, option)).id;
}

/** The key with that id (or the only one), with its address; listed once. @throws CliError when it is not among this key's. */
export async function findKey(agent: Agent, requested: string | undefined, option: string): Promise<KeyView> {
  const { id, listed } = await choose(agent, requested, option);
  const key = (listed ?? (await listKeys(agent))).find((k) => k.id === id);
  if (!key) throw new CliError(EXIT.failed, `identity ${id} is not one this agent key can use (clw keys lists them)`, "not_found");
  return key;
}

/** A 32-byte digest, normalised. @throws a usage error. */
export function digestArg(value: string, what = "DIGEST"): string {
  const digest = normalizeDigest(value);
  if (!digest) throw usageError(`${what} must be 32 bytes as 64 hex characters (optionally 0x-prefixed), not "${value}"`);
  return digest;
}

/** A payment an agent declares with a raw digest. @throws a usage error naming the first problem. */
export function paymentArg(value: unknown): Payment {
  const parsed = paymentSchema.safeParse(value);
  if (!parsed.success) throw usageError(`payment: ${parsed.error.issues.map((i) => `${i.path.join(".") || "payment"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** No decision yet when the wait ran out (or was stopped): the request still waits for the owner, and can be picked up again. */
export class StillPending extends CliError {
  constructor(
    readonly request: PendingIntent,
    readonly idempotencyKey: string,
    waited: number | "stopped",
  ) {
    const why = waited === "stopped" ? "stopped waiting" : `no decision from the owner within ${waited} s`;
    super(waited === "stopped" ? EXIT.interrupted : EXIT.refused, `${why}; request ${request.id} still waits for them in Telegram (until ${request.expires_at})`, "pending_approval");
  }
}

export interface WaitOptions {
  timeoutSeconds: number;
  /** Sent as `Idempotency-Key`, so asking again with it picks up the same request. */
  idempotencyKey: string;
  onPending?: (intent: PendingIntent) => void;
}

/** A fresh `Idempotency-Key` for one signing request. */
export const newIdempotencyKey = () => `clw-${crypto.randomUUID()}`;

/**
 * Runs a sign-intent-then-sign step; when the owner must approve and time runs out first,
 * turns the client's timeout into `StillPending` (checked against the request's real state).
 */
async function signWaiting<T>(agent: Agent, options: WaitOptions, run: (onPending: (intent: PendingIntent) => void) => Promise<T>): Promise<T> {
  let pending: PendingIntent | undefined;
  try {
    return await run((intent) => {
      pending = intent;
      options.onPending?.(intent);
    });
  } catch (error) {
    if (pending && isAbort(error)) throw new StillPending(pending, options.idempotencyKey, "stopped");
    if (!pending || !(error instanceof ClwApiError) || error.code !== "intent_expired") throw error;
    const state = await agent.client.getSignIntent(pending.id).catch(() => null);
    if (state?.status === "pending_approval") throw new StillPending(pending, options.idempotencyKey, options.timeoutSeconds);
    throw error;
  }
}

export interface DigestSignature {
  identity_id: string;
  digest: string;
  signature: string;
}

/** A BIP-340 signature over a 32-byte digest, waiting for the owner when the policy asks. */
export async function signDigest(agent: Agent, identityId: string, digest: string, payment: Payment | undefined, options: WaitOptions): Promise<DigestSignature> {
  const signature = await signWaiting(agent, options, (onPending) =>
    agent.client.signDigest(identityId, digest, { ...(payment ? { payment } : {}), timeoutSeconds: options.timeoutSeconds, idempotencyKey: options.idempotencyKey, onPending }),
  );
  return { identity_id: identityId, digest, signature };
}

/** This key's inputs of a PSBT signed (and the raw transaction with `finalize`, once complete). */
export async function signPsbt(agent: Agent, identityId: string, psbt: string, finalize: boolean, options: WaitOptions): Promise<SignedPsbt & { identity_id: string }> {
  const signed = await signWaiting(agent, options, (onPending) =>
    agent.client.signPsbt(identityId, psbt, { finalize, timeoutSeconds: options.timeoutSeconds, idempotencyKey: options.idempotencyKey, onPending }),
  );
  return { identity_id: identityId, ...signed, tx_hex: signed.tx_hex ?? null };
}

/** Where one of this agent's requests stands (holding on up to `wait` seconds for a change). */
export async function requestStatus(agent: Agent, requestId: string, wait: number, option: string): Promise<IntentState> {
  if (!idSchema.safeParse(requestId).success) throw usageError(`${option} must be a request id (a UUID), not "${requestId}"`);
  return agent.client.getSignIntent(requestId.toLowerCase(), wait);
}
