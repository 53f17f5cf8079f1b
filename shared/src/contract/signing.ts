import { z } from "zod";
import { transactionSummarySchema } from "../psbt/summary-schema.js";
import { digestSchema, LIMITS, paymentSchema } from "./common.js";

/** The original contract's only scope; accepted, never required. */
const scopeSchema = z.literal("sign", { error: 'scope must be "sign"' }).optional();

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
