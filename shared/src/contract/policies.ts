import { z } from "zod";
import { destinationSchema, LIMITS, satsSchema } from "./common.js";

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
  /** Who asked for it: an API session or an agent key, as the owner's prompt named it. */
  requested_by: z.string().nullable(),
});
export type OwnerActionState = z.infer<typeof ownerActionStateSchema>;

export const ownerActionListSchema = z.object({ items: z.array(ownerActionStateSchema) });
export const actionListQuerySchema = z.strictObject({ status: z.literal("pending_confirmation").optional() });

/** True when a change answered 202: it waits for the owner's confirmation in Telegram. */
export function isPendingAction(value: unknown): value is PendingAction {
  return typeof value === "object" && value !== null && (value as { status?: unknown }).status === "pending_confirmation";
}
