import type { z } from "zod";
import {
  agentKeyIssuedSchema,
  agentSignInSchema,
  agentTokenPendingSchema,
  agentListSchema,
  agentSchema,
  auditPageSchema,
  challengeSchema,
  identityListSchema,
  identitySchema,
  okSchema,
  sessionSchema,
  signatureSchema,
  signBatchSchema,
  signIntentSchema,
  type AgentKeyIssued,
  type AgentSignIn,
  type AgentSignInRequest,
  type Agent,
  type AgentCreateRequest,
  type AuditPage,
  type Challenge,
  type ChallengeRequest,
  type Identity,
  type Session,
  type SignIntent,
  type IntentState,
  type Payment,
  type PendingIntent,
  type Policy,
  intentListSchema,
  intentStatusSchema,
  ownerActionListSchema,
  ownerActionStateSchema,
  pendingActionSchema,
  pendingIntentSchema,
  policySchema,
  revokeAllSchema,
  sessionListSchema,
  signedPsbtSchema,
  verifyPendingSchema,
  type OwnerActionState,
  type PendingAction,
  type PolicyUpdate,
  type SessionInfo,
  type SignedPsbt,
} from "./contract/index.js";
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

/** Proof that the owner is present: fresh Telegram Mini App init data (the Mini App sends its own). */
export interface PresenceOptions {
  initData?: string;
}

export interface ClientOptions {
  /** The API's origin, e.g. `https://api.clw.cash` or `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A session token from `verify`; may be set later with `setToken`. */
  token?: string;
  fetch?: typeof fetch;
}

const presenceHeaders = (presence: PresenceOptions): Record<string, string> => (presence.initData ? { "x-telegram-init-data": presence.initData } : {});

/**
 * `Idempotency-Key` for the routes that take one (agent sign-in, sign-intent, sign-batch): the
 * same key with the same request within 24 hours is answered with the first answer again, so a
 * retry never asks (or bothers the owner) twice.
 */
export interface IdempotencyOptions {
  idempotencyKey?: string;
}

const idempotencyHeaders = (options: IdempotencyOptions): Record<string, string> => (options.idempotencyKey === undefined ? {} : { "idempotency-key": options.idempotencyKey });

/** How `signDigest` and `signPsbt` ask and wait. */
export interface SignOptions extends IdempotencyOptions {
  /** How long to wait for the owner when the policy asks for approval (default 600 s). */
  timeoutSeconds?: number;
  /** Called once when the request waits for the owner, before waiting (e.g. to show `approval_url`). */
  onPending?: (intent: PendingIntent) => void;
}

/** Result of polling a sign-in challenge: pending until the owner approves in Telegram. */
export type VerifyResult = { status: "pending" } | ({ status: "approved" } & Session);

/** Result of collecting an agent key: pending until the owner approves in Telegram, then the key (once). */
export type AgentTokenResult = { status: "pending"; expires_at: string } | ({ status: "issued" } & AgentKeyIssued);

/**
 * A typed client of the clw.cash REST API for third-party programs and agents.
 * Every method throws `ClwApiError` for an error answer.
 */
export function createClient(options: ClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let token = options.token;

  async function call<T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<{ status: number; data: T }> {
    const headers: Record<string, string> = { ...extraHeaders };
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
    /**
     * An agent asks its owner for a key (device flow): the owner opens `deep_link` in Telegram and
     * approves; then `collectAgentKey`. In test mode, `telegram_user_id` approves at once.
     */
    async startAgentSignIn(request: AgentSignInRequest, options: IdempotencyOptions = {}): Promise<AgentSignIn> {
      return (await call(agentSignInSchema, "POST", "/v1/auth/agent", request, idempotencyHeaders(options))).data;
    },
    /**
     * Polls an agent sign-in once; the key comes exactly once, and is remembered for later calls.
     * @throws ClwApiError 403 `challenge_denied` when the owner denied it, 404 when it is unknown,
     * expired or already collected.
     */
    async collectAgentKey(requestId: string): Promise<AgentTokenResult> {
      const { data } = await call(agentKeyIssuedSchema.or(agentTokenPendingSchema), "POST", "/v1/auth/agent/token", { request_id: requestId });
      if (!("agent_key" in data)) return { status: "pending", expires_at: data.expires_at };
      token = data.agent_key;
      return { status: "issued", ...data };
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
    /**
     * Destroys a key: at once when the owner is present (`initData`, or test mode), otherwise the
     * answer is the change waiting for the owner's confirmation in Telegram.
     */
    async destroyIdentity(identityId: string, presence: PresenceOptions = {}): Promise<{ ok: true } | PendingAction> {
      return (await call(okSchema.or(pendingActionSchema), "DELETE", `/v1/identities/${encodeURIComponent(identityId)}`, undefined, presenceHeaders(presence))).data;
    },
    /** Where a change that waits for the owner's confirmation stands. */
    async getAction(actionId: string): Promise<OwnerActionState> {
      return (await call(ownerActionStateSchema, "GET", `/v1/actions/${encodeURIComponent(actionId)}`)).data;
    },
    /** The owner's changes; with `pendingOnly`, those still waiting for them. */
    async listActions(pendingOnly = false): Promise<OwnerActionState[]> {
      return (await call(ownerActionListSchema, "GET", `/v1/actions${pendingOnly ? "?status=pending_confirmation" : ""}`)).data.items;
    },
    /** Cancels a change that waits for the owner's confirmation. */
    async cancelAction(actionId: string): Promise<OwnerActionState> {
      return (await call(ownerActionStateSchema, "POST", `/v1/actions/${encodeURIComponent(actionId)}/cancel`)).data;
    },
    async restoreIdentity(identityId: string): Promise<Identity> {
      return (await call(identitySchema, "POST", `/v1/identities/${encodeURIComponent(identityId)}/restore`)).data;
    },
    /**
     * Asks to sign: a ticket at once (201), or, when the identity's policy wants the owner,
     * a pending request (202) to wait on with `waitForTicket`.
     */
    async signIntent(identityId: string, digest: string, payment?: Payment, options: IdempotencyOptions = {}): Promise<SignIntent | PendingIntent> {
      const body = payment ? { digest, payment } : { digest };
      return (await call(signIntentSchema.or(pendingIntentSchema), "POST", `/v1/identities/${encodeURIComponent(identityId)}/sign-intent`, body, idempotencyHeaders(options))).data;
    },
    /** Asks to sign a PSBT (base64): the API decodes it and answers with the transaction it saw. */
    async psbtIntent(identityId: string, psbt: string, options: IdempotencyOptions = {}): Promise<SignIntent | PendingIntent> {
      return (await call(signIntentSchema.or(pendingIntentSchema), "POST", `/v1/identities/${encodeURIComponent(identityId)}/sign-intent`, { psbt }, idempotencyHeaders(options))).data;
    },
    /** Where a request stands; `wait` holds on up to that many seconds (at most 25) for a change. */
    async getSignIntent(intentId: string, wait = 0): Promise<IntentState> {
      return (await call(intentStatusSchema, "GET", `/v1/sign-intents/${encodeURIComponent(intentId)}?wait=${wait}`)).data;
    },
    async listSignIntents(status?: IntentState["status"]): Promise<IntentState[]> {
      return (await call(intentListSchema, "GET", `/v1/sign-intents${status ? `?status=${status}` : ""}`)).data.items;
    },
    /** The owner's decision from the Mini App, proven by fresh Telegram init data. */
    async decideSignIntent(intentId: string, approve: boolean, initData: string): Promise<IntentState> {
      const path = `/v1/sign-intents/${encodeURIComponent(intentId)}/${approve ? "approve" : "deny"}`;
      return (await call(intentStatusSchema, "POST", path, { init_data: initData })).data;
    },
    /**
     * Waits until the owner decides; resolves with the ticket once approved.
     * @throws ClwApiError 403 `policy_denied` when denied; 410 `intent_expired` when it expires, or
     * when `timeoutSeconds` run out while it still waits (it stays pending on the server); 409
     * `ticket_replayed` when its ticket was already used.
     */
    async waitForTicket(intentId: string, timeoutSeconds = 600): Promise<string> {
      const deadline = Date.now() + timeoutSeconds * 1000;
      for (;;) {
        const left = Math.ceil((deadline - Date.now()) / 1000);
        const state = await this.getSignIntent(intentId, Math.max(0, Math.min(25, left)));
        if (state.status === "approved" && state.ticket) return state.ticket;
        if (state.status === "denied") throw new ClwApiError(403, "policy_denied", "the owner denied this request");
        if (state.status === "expired") throw new ClwApiError(410, "intent_expired", "the request expired before the owner decided");
        if (state.status !== "pending_approval") throw new ClwApiError(409, "ticket_replayed", "this request was approved and its ticket already used");
        if (left <= 0) throw new ClwApiError(410, "intent_expired", `no decision from the owner within ${timeoutSeconds} s; request ${intentId} is still waiting`);
      }
    },
    async getPolicy(identityId: string): Promise<Policy> {
      return (await call(policySchema, "GET", `/v1/identities/${encodeURIComponent(identityId)}/policy`)).data;
    },
    /**
     * Sets a key's policy. Tightening applies at once; loosening applies at once only with the
     * owner present (`initData`, or test mode), otherwise the answer is the change waiting for
     * the owner's confirmation in Telegram.
     */
    async setPolicy(identityId: string, policy: PolicyUpdate, presence: PresenceOptions = {}): Promise<Policy | PendingAction> {
      return (await call(policySchema.or(pendingActionSchema), "PUT", `/v1/identities/${encodeURIComponent(identityId)}/policy`, policy, presenceHeaders(presence))).data;
    },
    /** The owner's agent keys, newest first, revoked and expired ones included. */
    async listAgents(): Promise<Agent[]> {
      return (await call(agentListSchema, "GET", "/v1/agents")).data.items;
    },
    /**
     * Makes an agent key; the key itself is in this answer only. Needs the owner present: fresh
     * Mini App init data (`initData`, from a Mini App session), or test mode.
     * @throws ClwApiError 403 `approval_required` without that proof; 401 `init_data_used` /
     *   `init_data_expired` / `init_data_invalid` when the proof is refused.
     */
    async createAgent(request: AgentCreateRequest, presence: PresenceOptions = {}): Promise<AgentKeyIssued> {
      return (await call(agentKeyIssuedSchema, "POST", "/v1/agents", request, presenceHeaders(presence))).data;
    },
    /** The agent key this client holds: its name, scope, permissions and expiry. @throws ClwApiError 403 for an owner's session. */
    async currentAgent(): Promise<Agent> {
      return (await call(agentSchema, "GET", "/v1/agents/me")).data;
    },
    /** Revokes an agent key at once: its next request is refused. @throws ClwApiError 404 unknown or already revoked. */
    async revokeAgent(agentId: string): Promise<Agent> {
      return (await call(agentSchema, "DELETE", `/v1/agents/${encodeURIComponent(agentId)}`)).data;
    },
    async listSessions(): Promise<SessionInfo[]> {
      return (await call(sessionListSchema, "GET", "/v1/sessions")).data.items;
    },
    /** Signs the owner out everywhere, this session included. */
    async revokeAllSessions(): Promise<number> {
      const revoked = (await call(revokeAllSchema, "POST", "/v1/sessions/revoke-all")).data.revoked;
      token = undefined;
      return revoked;
    },
    async sign(identityId: string, digest: string, ticket: string): Promise<string> {
      return (await call(signatureSchema, "POST", `/v1/identities/${encodeURIComponent(identityId)}/sign`, { digest, ticket })).data.signature;
    },
    /**
     * Sign-intent then sign: a BIP-340 signature (128 hex) over the 32-byte digest. When the
     * owner must approve, waits for the decision (up to `timeoutSeconds`) first.
     */
    async signDigest(identityId: string, digest: string, options: SignOptions & { payment?: Payment } = {}): Promise<string> {
      const intent = await this.signIntent(identityId, digest, options.payment, options);
      const ticket = await this.ticketOf(intent, options);
      return this.sign(identityId, digest, ticket);
    },
    /** The intent's ticket: at once, or after the owner approved (see `waitForTicket`). */
    async ticketOf(intent: SignIntent | PendingIntent, options: SignOptions = {}): Promise<string> {
      if ("ticket" in intent) return intent.ticket;
      options.onPending?.(intent);
      return this.waitForTicket(intent.id, options.timeoutSeconds);
    },
    /**
     * Sign-intent then sign for a PSBT: this key's inputs signed (the transaction is decoded and
     * checked against the policy first). When the owner must approve, waits for the decision.
     * With `finalize`, `tx_hex` holds the raw transaction once every input is complete.
     */
    async signPsbt(identityId: string, psbt: string, options: SignOptions & { finalize?: boolean } = {}): Promise<SignedPsbt> {
      const intent = await this.psbtIntent(identityId, psbt, options);
      const ticket = await this.ticketOf(intent, options);
      const body = { psbt, ticket, ...(options.finalize ? { finalize: true } : {}) };
      return (await call(signedPsbtSchema, "POST", `/v1/identities/${encodeURIComponent(identityId)}/sign`, body)).data;
    },
    async signBatch(identityId: string, digests: string[], options: IdempotencyOptions = {}): Promise<string[]> {
      const body = { digests: digests.map((digest) => ({ digest })) };
      return (await call(signBatchSchema, "POST", `/v1/identities/${encodeURIComponent(identityId)}/sign-batch`, body, idempotencyHeaders(options))).data.signatures;
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
