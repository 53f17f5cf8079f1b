import { z } from "zod";
import * as c from "../contract/index.js";

/** Who may call a route: anyone, any live credential (a session or an agent key), or the owner's session only. */
export type RouteAuth = "none" | "credential" | "owner";

/** One route of the public API, described by the contract's own schemas. */
export interface RouteSpec {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI style: `/v1/identities/{id}`. */
  path: string;
  summary: string;
  auth: RouteAuth;
  body?: z.ZodType;
  /** The body may be left out (`{}`). */
  bodyOptional?: boolean;
  query?: z.ZodObject;
  /** Takes `Idempotency-Key`. */
  idempotent?: boolean;
  /** Takes `X-Telegram-Init-Data` as the owner's proof of presence. */
  presence?: boolean;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

const pending = (what: string) => ({ description: `${what} waits for the owner's confirmation in Telegram`, schema: c.pendingActionSchema });

/** Every public route the Worker mounts. The OpenAPI document is generated from this list. */
export const ROUTES: RouteSpec[] = [
  { method: "get", path: "/health", summary: "Liveness (`?deep=1`: also D1, KV and the signer)", auth: "none", responses: { 200: { description: "alive", schema: z.object({ ok: z.boolean(), service: z.literal("api") }) } } },
  { method: "get", path: "/openapi.json", summary: "This document", auth: "none", responses: { 200: { description: "the OpenAPI 3.1 document" } } },
  { method: "post", path: "/v1/auth/challenge", summary: "Start a sign-in (approved by the owner in Telegram)", auth: "none", body: c.challengeRequestSchema, bodyOptional: true, responses: { 201: { description: "challenge", schema: c.challengeSchema } } },
  { method: "post", path: "/v1/auth/verify", summary: "Exchange an approved challenge for a session", auth: "none", body: c.verifyRequestSchema, responses: { 200: { description: "session", schema: c.sessionSchema }, 202: { description: "still pending", schema: c.verifyPendingSchema } } },
  { method: "post", path: "/v1/auth/telegram", summary: "Sign in from the Mini App with Telegram init data", auth: "none", body: c.telegramAuthRequestSchema, responses: { 200: { description: "session", schema: c.sessionSchema } } },
  { method: "post", path: "/v1/auth/logout", summary: "End this session", auth: "owner", responses: { 200: { description: "ended", schema: c.okSchema } } },
  { method: "post", path: "/v1/auth/agent", summary: "An agent asks its owner for a key (device flow)", auth: "none", body: c.agentSignInRequestSchema, idempotent: true, responses: { 201: { description: "request", schema: c.agentSignInSchema } } },
  { method: "post", path: "/v1/auth/agent/token", summary: "Collect the agent key once the owner approved", auth: "none", body: c.agentTokenRequestSchema, responses: { 200: { description: "the key, shown once", schema: c.agentKeyIssuedSchema }, 202: { description: "still pending", schema: c.agentTokenPendingSchema } } },
  { method: "get", path: "/v1/agents", summary: "The owner's agent keys", auth: "owner", responses: { 200: { description: "agent keys", schema: c.agentListSchema } } },
  { method: "get", path: "/v1/agents/me", summary: "The agent key asking: its name, scope, permissions and expiry", auth: "credential", responses: { 200: { description: "agent key", schema: c.agentSchema } } },
  { method: "post", path: "/v1/agents", summary: "Make an agent key (Mini App, with fresh init data)", auth: "owner", presence: true, body: c.agentCreateRequestSchema, responses: { 201: { description: "the key, shown once", schema: c.agentKeyIssuedSchema } } },
  { method: "delete", path: "/v1/agents/{id}", summary: "Revoke an agent key at once", auth: "owner", responses: { 200: { description: "revoked", schema: c.agentSchema } } },
  { method: "get", path: "/v1/identities", summary: "Active identities (an agent key: those in its scope)", auth: "credential", responses: { 200: { description: "identities", schema: c.identityListSchema } } },
  { method: "post", path: "/v1/identities", summary: "Create a key in the enclave", auth: "owner", body: c.createIdentityRequestSchema, bodyOptional: true, idempotent: true, responses: { 201: { description: "identity", schema: c.identitySchema } } },
  { method: "delete", path: "/v1/identities/{id}", summary: "Destroy a key (needs the owner present)", auth: "owner", presence: true, responses: { 200: { description: "destroyed", schema: c.okSchema }, 202: pending("The destroy") } },
  { method: "post", path: "/v1/identities/{id}/restore", summary: "Re-import the key from its sealed backup", auth: "owner", body: c.restoreRequestSchema, bodyOptional: true, responses: { 200: { description: "identity", schema: c.identitySchema } } },
  { method: "get", path: "/v1/identities/{id}/policy", summary: "An identity's policy", auth: "credential", responses: { 200: { description: "policy", schema: c.policySchema } } },
  { method: "put", path: "/v1/identities/{id}/policy", summary: "Set the policy (loosening needs the owner present)", auth: "owner", presence: true, body: c.policyUpdateSchema, responses: { 200: { description: "policy", schema: c.policySchema }, 202: pending("The loosening") } },
  { method: "post", path: "/v1/identities/{id}/sign-intent", summary: "Ask to sign a digest or a PSBT: a ticket, or a request for the owner", auth: "credential", body: c.signIntentRequestSchema, idempotent: true, responses: { 201: { description: "ticket", schema: c.signIntentSchema }, 202: { description: "waits for the owner's approval", schema: c.pendingIntentSchema } } },
  { method: "post", path: "/v1/identities/{id}/sign", summary: "Sign with a single-use ticket", auth: "credential", body: c.signRequestSchema, responses: { 200: { description: "signature, or the signed PSBT", schema: z.union([c.signatureSchema, c.signedPsbtSchema]) } } },
  { method: "post", path: "/v1/identities/{id}/sign-batch", summary: "Sign 1–100 digests at once", auth: "credential", body: c.signBatchRequestSchema, idempotent: true, responses: { 200: { description: "signatures, in order", schema: c.signBatchSchema } } },
  { method: "get", path: "/v1/sign-intents", summary: "Requests (an agent key: its own)", auth: "credential", query: c.intentListQuerySchema, responses: { 200: { description: "requests", schema: c.intentListSchema } } },
  { method: "get", path: "/v1/sign-intents/{id}", summary: "Where a request stands (`?wait` holds on up to 25 s)", auth: "credential", query: c.waitQuerySchema, responses: { 200: { description: "request", schema: c.intentStatusSchema } } },
  { method: "post", path: "/v1/sign-intents/{id}/approve", summary: "Approve from the Mini App (init data opened for this request)", auth: "owner", body: c.intentDecisionRequestSchema, responses: { 200: { description: "request", schema: c.intentStatusSchema } } },
  { method: "post", path: "/v1/sign-intents/{id}/deny", summary: "Deny from the Mini App (init data opened for this request)", auth: "owner", body: c.intentDecisionRequestSchema, responses: { 200: { description: "request", schema: c.intentStatusSchema } } },
  { method: "get", path: "/v1/actions", summary: "Changes that wait (or waited) for the owner", auth: "owner", query: c.actionListQuerySchema, responses: { 200: { description: "actions", schema: c.ownerActionListSchema } } },
  { method: "get", path: "/v1/actions/{id}", summary: "Where a change waiting for the owner stands", auth: "owner", responses: { 200: { description: "action", schema: c.ownerActionStateSchema } } },
  { method: "post", path: "/v1/actions/{id}/cancel", summary: "Cancel a change that waits for the owner", auth: "owner", responses: { 200: { description: "action", schema: c.ownerActionStateSchema } } },
  { method: "get", path: "/v1/sessions", summary: "The owner's live sessions", auth: "owner", responses: { 200: { description: "sessions", schema: c.sessionListSchema } } },
  { method: "post", path: "/v1/sessions/revoke-all", summary: "Sign out everywhere", auth: "owner", responses: { 200: { description: "revoked", schema: c.revokeAllSchema } } },
  { method: "get", path: "/v1/audit", summary: "The owner's audit trail, newest first", auth: "owner", query: c.auditQuerySchema, responses: { 200: { description: "events", schema: c.auditPageSchema } } },
];
