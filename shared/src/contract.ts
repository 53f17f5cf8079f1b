import { z } from "zod";
import { parseBitcoinAddress } from "./destination.js";
import { transactionSummarySchema } from "./psbt/summary-schema.js";
import { normalizeDigest } from "./hex.js";

/** Limits of the REST contract, shared by the API and its clients. */
export const LIMITS = {
  maxBodyBytes: 64 * 1024,
  maxBatch: 100,
  maxAuditPage: 100,
  defaultAuditPage: 50,
  maxClientLabel: 64,
  maxTicketChars: 4096,
  maxMemo: 280,
  maxDestinations: 50,
  maxWaitSeconds: 25,
  maxAgentIdentities: 100,
  /** An agent key lives at most a year (unless revoked earlier). */
  maxAgentKeySeconds: 366 * 24 * 3600,
  maxIdempotencyKey: 255,
} as const;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const idSchema = z.string().regex(UUID_RE, "must be a UUID");

/** A 32-byte digest: 64 hex characters, optional `0x`; normalised to lowercase hex. */
export const digestSchema = z
  .string()
  .transform((value, ctx) => {
    const digest = normalizeDigest(value);
    if (!digest) {
      ctx.addIssue({ code: "custom", message: "digest must be 32 bytes as 64 hex characters" });
      return z.NEVER;
    }
    return digest;
  });

export const telegramUserIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * Who a challenge is for: Telegram's numeric id, as an integer or (as the original contract sends
 * it) a string. In test mode any other string of 1–64 printable characters names a test user
 * (the original CLI sends "test_user", its tests "e2e_user_<ms>").
 */
export const telegramUserRefSchema = z.union([
  telegramUserIdSchema,
  z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, "must be 1-64 printable characters without spaces"),
]);

// ---- requests ----

export const challengeRequestSchema = z.strictObject({
  telegram_user_id: telegramUserRefSchema.optional(),
  client_label: z.string().trim().min(1).max(LIMITS.maxClientLabel).optional(),
});
export type ChallengeRequest = z.input<typeof challengeRequestSchema>;

export const verifyRequestSchema = z.strictObject({ challenge_id: idSchema });
export type VerifyRequest = z.input<typeof verifyRequestSchema>;

/** The most satoshis there will ever be: amounts above it are absurd. */
export const MAX_SATS = 2_100_000_000_000_000;
export const satsSchema = z.number().int().min(0).max(MAX_SATS);

export const destinationSchema = z
  .string()
  .refine((value) => parseBitcoinAddress(value) !== null, "destination must be a valid Bitcoin address");

/** What an agent wants to pay, shown to the owner and checked against the identity's policy. */
export const paymentSchema = z.strictObject({
  amount_sats: satsSchema.min(1),
  destination: destinationSchema,
  memo: z.string().max(LIMITS.maxMemo).optional(),
});
export type Payment = z.infer<typeof paymentSchema>;

/** The original contract's only scope; accepted, never required. */
const scopeSchema = z.literal("sign", { error: 'scope must be "sign"' }).optional();

/** `POST /v1/identities`: `{}` or, as the original SDK sends, `{"alg": "secp256k1"}`. */
export const createIdentityRequestSchema = z.strictObject({ alg: z.literal("secp256k1", { error: 'alg must be "secp256k1"' }).optional() });

/** A 33-byte compressed secp256k1 public key in hex, normalised to lowercase. */
export const publicKeySchema = z
  .string()
  .regex(/^0[23][0-9a-fA-F]{64}$/, "must be a 33-byte compressed public key in hex")
  .transform((key) => key.toLowerCase());

/**
 * `POST /v1/identities/:id/restore`: the original CLI sends the public key it remembers. It is
 * checked against the identity, never trusted: the key always comes from the sealed backup.
 */
export const restoreRequestSchema = z.strictObject({ public_key: publicKeySchema.optional() });

/** A PSBT (BIP-174 v0 with BIP-371 Taproot fields), base64; the body limit bounds its size. */
export const psbtSchema = z.string().min(1, "psbt must not be empty").max(LIMITS.maxBodyBytes);

/**
 * `POST …/sign-intent`: a raw digest (with, optionally, the payment the requester declares it
 * to be), or a PSBT that the API decodes and the policy checks on its real outputs.
 */
export const digestIntentRequestSchema = z.strictObject({ digest: digestSchema, scope: scopeSchema, payment: paymentSchema.optional() });
export const psbtIntentRequestSchema = z.strictObject({ psbt: psbtSchema, scope: scopeSchema });
export const signIntentRequestSchema = z.union([digestIntentRequestSchema, psbtIntentRequestSchema]);
export type SignIntentRequest = z.input<typeof signIntentRequestSchema>;

const ticketSchema = z.string().min(1).max(LIMITS.maxTicketChars);

/** `POST …/sign`: the digest or the PSBT the ticket was issued for, and the ticket. */
export const digestSignRequestSchema = z.strictObject({ digest: digestSchema, ticket: ticketSchema });
export const psbtSignRequestSchema = z.strictObject({ psbt: psbtSchema, ticket: ticketSchema, finalize: z.boolean().optional() });
export const signRequestSchema = z.union([digestSignRequestSchema, psbtSignRequestSchema]);

/** Which member of a `{digest}` / `{psbt}` body schema pair a parsed body is meant for. */
export const carriesPsbt = (body: unknown): boolean => typeof body === "object" && body !== null && "psbt" in body;
export type SignRequest = z.input<typeof signRequestSchema>;

export const signBatchRequestSchema = z.strictObject({
  digests: z.array(z.strictObject({ digest: digestSchema, scope: scopeSchema })).min(1).max(LIMITS.maxBatch),
});
export type SignBatchRequest = z.input<typeof signBatchRequestSchema>;

export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.maxAuditPage).default(LIMITS.defaultAuditPage),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

// ---- responses ----

/** The signed-in user, as the original contract answers it (`telegram_user_id` a decimal string). */
export const userSchema = z.object({
  id: z.string(),
  telegram_user_id: z.string(),
  status: z.literal("active"),
  created_at: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const challengeSchema = z.object({
  challenge_id: z.string(),
  expires_at: z.string(),
  deep_link: z.string().nullable(),
  /** Shown by the client and by the Telegram prompt, so the owner approves the right sign-in. */
  confirmation_code: z.string(),
});
export type Challenge = z.infer<typeof challengeSchema>;

export const sessionSchema = z.object({
  token: z.string(),
  expires_in: z.number(),
  user: userSchema,
});
export type Session = z.infer<typeof sessionSchema>;

/** One of the owner's live sessions, as `GET /v1/sessions` lists them. */
export const sessionInfoSchema = z.object({
  /** The session's id, shortened as the audit trail names it. */
  id: z.string(),
  /** How it was opened: a sign-in link approved in Telegram, the Mini App, or test mode. */
  via: z.enum(["link", "miniapp", "test"]),
  /** The name the requester gave itself when it asked to sign in (its claim). */
  client_label: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  /** The session this request was made with. */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
export const sessionListSchema = z.object({ items: z.array(sessionInfoSchema) });
export const revokeAllSchema = z.object({ ok: z.literal(true), revoked: z.number().int() });

/** `POST /v1/auth/verify` answers 202 with this while the owner has not decided. */
export const verifyPendingSchema = z.object({
  status: z.literal("pending"),
  expires_at: z.string(),
});

export const identitySchema = z.object({
  id: z.string(),
  user_id: z.string(),
  alg: z.literal("secp256k1"),
  public_key: z.string(),
  status: z.enum(["active", "destroyed"]),
  created_at: z.string(),
  /** The key's BIP-86 Taproot address on the API's Bitcoin network: coins sent there it can spend. */
  address: z.string().optional(),
});
export type Identity = z.infer<typeof identitySchema>;

export const identityListSchema = z.object({ items: z.array(identitySchema) });

export const signIntentSchema = z.object({
  id: z.string(),
  identity_id: z.string(),
  digest_hash: z.string(),
  nonce: z.string(),
  scope: z.literal("sign"),
  expires_at: z.string(),
  ticket: z.string(),
  /** For a PSBT: the transaction as decoded, which the ticket is bound to. */
  transaction: transactionSummarySchema.optional(),
});
export type SignIntent = z.infer<typeof signIntentSchema>;

/** What a raw digest (whose content cannot be checked) needs: nothing, the owner, or it is refused. */
export const RAW_DIGEST_RULES = ["allow", "approval", "deny"] as const;
export type RawDigestRule = (typeof RAW_DIGEST_RULES)[number];

const policyFields = {
  require_approval: z.boolean(),
  auto_approve_max_sats: satsSchema.nullable(),
  daily_limit_sats: satsSchema.nullable(),
  allowed_destinations: z.array(destinationSchema).max(LIMITS.maxDestinations).nullable(),
  max_fee_sats: satsSchema.nullable(),
  raw_digests: z.enum(RAW_DIGEST_RULES),
  allow_unsafe_sighash: z.boolean(),
};

/**
 * An identity's policy, as `GET …/policy` answers it. `auto_approve_max_sats`, the daily limit,
 * the allowlist and the fee cap apply to what a decoded transaction really does; `raw_digests`
 * decides what a raw digest needs; `allow_unsafe_sighash` lets PSBT inputs use sighash types other
 * than DEFAULT/ALL (NONE, SINGLE, ANYONECANPAY let outputs change after signing).
 */
export const policySchema = z.object(policyFields);
export type Policy = z.infer<typeof policySchema>;

/**
 * `PUT …/policy`: the original four fields, and the newer ones optional (absent: the default,
 * as for a new key) so clients that send four fields keep working.
 */
export const policyUpdateSchema = z.strictObject({
  ...policyFields,
  max_fee_sats: policyFields.max_fee_sats.optional(),
  raw_digests: policyFields.raw_digests.optional(),
  allow_unsafe_sighash: policyFields.allow_unsafe_sighash.optional(),
});
export type PolicyUpdate = z.input<typeof policyUpdateSchema>;

/**
 * `202` answer of a change that loosens control (a policy, a destroy) asked for with a bearer
 * token alone: it waits for the owner to confirm it in Telegram, where they are asked.
 */
export const pendingActionSchema = z.object({
  id: z.string(),
  kind: z.enum(["policy", "destroy"]),
  status: z.literal("pending_confirmation"),
  identity_id: z.string(),
  /** What it loosens, in words (empty for a destroy). */
  changes: z.array(z.string()),
  expires_at: z.string(),
});
export type PendingAction = z.infer<typeof pendingActionSchema>;

export const ACTION_STATUSES = ["pending_confirmation", "confirmed", "denied", "expired", "failed"] as const;

/** `GET /v1/actions/:id`: where a change that waits for the owner stands. */
export const ownerActionStateSchema = pendingActionSchema.extend({
  status: z.enum(ACTION_STATUSES),
  identity_id: z.string().nullable(),
  created_at: z.string(),
  decided_via: z.string().nullable(),
});
export type OwnerActionState = z.infer<typeof ownerActionStateSchema>;

export const ownerActionListSchema = z.object({ items: z.array(ownerActionStateSchema) });
export const actionListQuerySchema = z.strictObject({ status: z.literal("pending_confirmation").optional() });

/** True when a change answered 202: it waits for the owner's confirmation in Telegram. */
export function isPendingAction(value: unknown): value is PendingAction {
  return typeof value === "object" && value !== null && (value as { status?: unknown }).status === "pending_confirmation";
}

export const INTENT_STATUSES = ["pending_approval", "approved", "denied", "expired", "used"] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

/** `202` answer of sign-intent when the owner must approve first: no ticket yet. */
export const pendingIntentSchema = z.object({
  id: z.string(),
  status: z.literal("pending_approval"),
  expires_at: z.string(),
  approval_url: z.string(),
  transaction: transactionSummarySchema.optional(),
});
export type PendingIntent = z.infer<typeof pendingIntentSchema>;

/** True when sign-intent answered with a request waiting for the owner instead of a ticket. */
export function isPendingIntent(intent: SignIntent | PendingIntent): intent is PendingIntent {
  return "approval_url" in intent;
}

/** The intent with its ticket, for identities whose policy needs no approval. @throws otherwise. */
export function requireTicket(intent: SignIntent | PendingIntent): SignIntent {
  if (isPendingIntent(intent)) throw new Error(`sign intent ${intent.id} waits for the owner's approval`);
  return intent;
}

/** `GET /v1/sign-intents/:id`: where a request stands; the ticket once approved and unused. */
export const intentStatusSchema = z.object({
  id: z.string(),
  identity_id: z.string(),
  status: z.enum(INTENT_STATUSES),
  /** What is signed: a raw digest (content unknown) or a decoded PSBT. */
  kind: z.enum(["digest", "psbt"]),
  digest_hash: z.string(),
  /** For a raw digest: the payment the requester declared (a claim, not verified). */
  payment: paymentSchema.nullable(),
  /** For a PSBT: the decoded transaction the policy and the owner saw. */
  transaction: transactionSummarySchema.nullable(),
  requested_by: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  decided_via: z.string().nullable(),
  ticket: z.string().optional(),
  ticket_expires_at: z.string().optional(),
});
export type IntentState = z.infer<typeof intentStatusSchema>;

export const intentListSchema = z.object({ items: z.array(intentStatusSchema) });

/** `POST /v1/sign-intents/:id/approve|deny`: the Mini App's init data, opened for this request. */
export const intentDecisionRequestSchema = z.strictObject({ init_data: z.string().min(1).max(8192).optional() });
export const intentListQuerySchema = z.strictObject({ status: z.enum(INTENT_STATUSES).optional() });

export const waitQuerySchema = z.strictObject({
  wait: z.coerce.number().int().min(0).max(LIMITS.maxWaitSeconds).default(0),
});

export const signatureSchema = z.object({ signature: z.string().regex(/^[0-9a-f]{128}$/) });

/** `POST …/sign` with a PSBT: the same PSBT with this key's signatures added (not finalised unless asked). */
export const signedPsbtSchema = z.object({
  psbt: z.string(),
  signed_inputs: z.array(z.number().int().nonnegative()),
  /** With `finalize: true`, the raw transaction once every input is complete (else null). */
  tx_hex: z.string().nullable().optional(),
});
export type SignedPsbt = z.infer<typeof signedPsbtSchema>;
export const signBatchSchema = z.object({ signatures: z.array(z.string().regex(/^[0-9a-f]{128}$/)) });

export const AUDIT_ACTIONS = [
  "user.create",
  "session.create",
  "session.revoke",
  "identity.create",
  "identity.sign",
  "identity.sign_failed",
  "identity.destroy",
  "identity.restore",
  "identity.reseal",
  "signin.approve",
  "signin.deny",
  "intent.create",
  "intent.approve",
  "intent.deny",
  "intent.expire",
  "policy.update",
  "action.request",
  "action.confirm",
  "action.deny",
  "agent.request",
  "agent.approve",
  "agent.deny",
  "agent.create",
  "agent.revoke",
  "agent.refused",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEventSchema = z.object({
  id: z.number(),
  action: z.string(),
  identity_id: z.string().nullable(),
  source: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditPageSchema = z.object({
  items: z.array(auditEventSchema),
  limit: z.number(),
  offset: z.number(),
  count: z.number(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

export const okSchema = z.object({ ok: z.literal(true) });

/** `POST /v1/auth/telegram`: the Mini App's raw init data (`Telegram.WebApp.initData`). */
export const telegramAuthRequestSchema = z.strictObject({ init_data: z.string().min(1).max(8192) });
export type TelegramAuthRequest = z.input<typeof telegramAuthRequestSchema>;

// ---- agent keys ----

/** What an agent key may do: `sign` (sign-intent, sign, sign-batch, PSBTs, its own requests), `read` (its keys, addresses, policies). */
export const AGENT_PERMISSIONS = ["sign", "read"] as const;
export type AgentPermission = (typeof AGENT_PERMISSIONS)[number];

/** Agent keys are `clw_ak_` and 43 characters of base64url (32 random bytes). */
export const AGENT_KEY_PREFIX = "clw_ak_";
export const agentKeySchema = z.string().regex(/^clw_ak_[A-Za-z0-9_-]{43}$/, "must be an agent key (clw_ak_…)");

const agentNameSchema = z.string().trim().min(1, "name must not be empty").max(64).regex(/^[^\u0000-\u001f\u007f]+$/, "name must be printable");

/** What an agent asks for: a name, the identities (all of the owner's when absent), permissions, a lifetime. */
const agentGrantFields = {
  name: agentNameSchema,
  identity_ids: z.array(idSchema).min(1).max(LIMITS.maxAgentIdentities).optional(),
  permissions: z.array(z.enum(AGENT_PERMISSIONS)).min(1).max(2).optional(),
  /** Seconds until the key stops working (absent: until revoked). */
  expires_in: z.number().int().min(60).max(LIMITS.maxAgentKeySeconds).optional(),
};

/** `POST /v1/auth/agent`: an agent asks its owner for a key (test mode: with `telegram_user_id`). */
export const agentSignInRequestSchema = z.strictObject({ ...agentGrantFields, telegram_user_id: telegramUserRefSchema.optional() });
export type AgentSignInRequest = z.input<typeof agentSignInRequestSchema>;

/** `POST /v1/agents` (the owner, from the Mini App with fresh init data). */
export const agentCreateRequestSchema = z.strictObject(agentGrantFields);
export type AgentCreateRequest = z.input<typeof agentCreateRequestSchema>;

export const agentSignInSchema = z.object({
  request_id: z.string(),
  deep_link: z.string().nullable(),
  expires_at: z.string(),
  /** Shown by the agent and by the Telegram prompt, so the owner approves the right request. */
  confirmation_code: z.string(),
});
export type AgentSignIn = z.infer<typeof agentSignInSchema>;

export const agentTokenRequestSchema = z.strictObject({ request_id: idSchema });

/** An agent key as its owner (and the agent itself) sees it; never the key. */
export const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The identities it may use; null: all of the owner's. */
  identity_ids: z.array(z.string()).nullable(),
  permissions: z.array(z.enum(AGENT_PERMISSIONS)),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export type Agent = z.infer<typeof agentSchema>;
export const agentListSchema = z.object({ items: z.array(agentSchema) });

/** The key itself, shown exactly once. */
export const agentKeyIssuedSchema = z.object({ agent_key: agentKeySchema, agent: agentSchema });
export type AgentKeyIssued = z.infer<typeof agentKeyIssuedSchema>;

/** `POST /v1/auth/agent/token` answers 202 with this while the owner has not decided. */
export const agentTokenPendingSchema = z.object({ status: z.literal("pending"), expires_at: z.string() });
