import type { z } from "zod";
import {
  auditPageSchema,
  challengeSchema,
  identityListSchema,
  identitySchema,
  okSchema,
  sessionSchema,
  signatureSchema,
  signBatchSchema,
  signIntentSchema,
  type AuditPage,
  type Challenge,
  type ChallengeRequest,
  type Identity,
  type Session,
  type SignIntent,
  verifyPendingSchema,
} from "./contract.js";
import type { ErrorCode } from "./errors.js";

/** An error answered by the API: its HTTP status, machine code and message. */
export class ClwApiError extends Error {
  override readonly name = "ClwApiError";
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    message: string,
    /** Seconds to wait before retrying, from `Retry-After` on 429. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** The API's origin, e.g. `https://api.clw.cash` or `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A session token from `verify`; may be set later with `setToken`. */
  token?: string;
  fetch?: typeof fetch;
}

/** Result of polling a sign-in challenge: pending until the owner approves in Telegram. */
export type VerifyResult = { status: "pending" } | ({ status: "approved" } & Session);

/**
 * A typed client of the clw.cash REST API for third-party programs and agents.
 * Every method throws `ClwApiError` for an error answer.
 */
export function createClient(options: ClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let token = options.token;

  async function call<T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await doFetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const err = (json ?? {}) as { error?: string; code?: string };
      const retry = Number(res.headers.get("retry-after"));
      throw new ClwApiError(res.status, err.code ?? "unknown", err.error ?? res.statusText, Number.isFinite(retry) && retry > 0 ? retry : undefined);
    }
    return { status: res.status, data: schema.parse(json) };
  }

  return {
    setToken(next: string | undefined) {
      token = next;
    },
    async health(): Promise<boolean> {
      const res = await doFetch(`${baseUrl}/health`);
      return res.ok;
    },
    async createChallenge(request: ChallengeRequest = {}): Promise<Challenge> {
      return (await call(challengeSchema, "POST", "/v1/auth/challenge", request)).data;
    },
    /** Polls once; on approval, remembers the session token for later calls. */
    async verify(challengeId: string): Promise<VerifyResult> {
      const { status, data } = await call(sessionSchema.or(verifyPendingSchema), "POST", "/v1/auth/verify", { challenge_id: challengeId });
      if (status === 202 || !("token" in data)) return { status: "pending" };
      token = data.token;
      return { status: "approved", ...data };
    },
    /** Exchanges a Mini App's raw init data for a session and remembers its token. */
    async authWithTelegram(initData: string): Promise<Session> {
      const session = (await call(sessionSchema, "POST", "/v1/auth/telegram", { init_data: initData })).data;
      token = session.token;
      return session;
    },
    async logout(): Promise<void> {
      await call(okSchema, "POST", "/v1/auth/logout");
      token = undefined;
    },
    async listIdentities(): Promise<Identity[]> {
      return (await call(identityListSchema, "GET", "/v1/identities")).data.items;
    },
    async createIdentity(): Promise<Identity> {
      return (await call(identitySchema, "POST", "/v1/identities")).data;
    },
    async destroyIdentity(identityId: string): Promise<void> {
      await call(okSchema, "DELETE", `/v1/identities/${encodeURIComponent(identityId)}`);
    },
    async restoreIdentity(identityId: string): Promise<Identity> {
      return (await call(identitySchema, "POST", `/v1/identities/${encodeURIComponent(identityId)}/restore`)).data;
    },
    async signIntent(identityId: string, digest: string): Promise<SignIntent> {
      return (await call(signIntentSchema, "POST", `/v1/identities/${encodeURIComponent(identityId)}/sign-intent`, { digest })).data;
    },
    async sign(identityId: string, digest: string, ticket: string): Promise<string> {
      return (await call(signatureSchema, "POST", `/v1/identities/${encodeURIComponent(identityId)}/sign`, { digest, ticket })).data.signature;
    },
    /** Sign-intent then sign: a BIP-340 signature (128 hex) over the 32-byte digest. */
    async signDigest(identityId: string, digest: string): Promise<string> {
      const intent = await this.signIntent(identityId, digest);
      return this.sign(identityId, digest, intent.ticket);
    },
    async signBatch(identityId: string, digests: string[]): Promise<string[]> {
      const body = { digests: digests.map((digest) => ({ digest })) };
      return (await call(signBatchSchema, "POST", `/v1/identities/${encodeURIComponent(identityId)}/sign-batch`, body)).data.signatures;
    },
    async audit(page: { limit?: number; offset?: number } = {}): Promise<AuditPage> {
      const query = new URLSearchParams();
      if (page.limit !== undefined) query.set("limit", String(page.limit));
      if (page.offset !== undefined) query.set("offset", String(page.offset));
      const suffix = query.size ? `?${query}` : "";
      return (await call(auditPageSchema, "GET", `/v1/audit${suffix}`)).data;
    },
  };
}

export type ClwClient = ReturnType<typeof createClient>;
