import type { Payment, Policy } from "@clw/shared";
import { runBatch } from "../db/client.js";
import { findPolicy, upsertPolicyQuery } from "../db/policies.js";
import { spentToday } from "../db/sign-intents.js";
import { AppError } from "../errors.js";
import { auditQuery } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { getOwnedIdentity } from "./identities.js";

/** What the policy says about one intent, before any ticket exists. */
export type PolicyVerdict = { kind: "allow"; reserve: boolean } | { kind: "approval" };

/** The 403 `policy_denied` error, with the reason. */
function policyDenied(reason: string): AppError {
  return new AppError(403, "policy_denied", reason);
}

/**
 * Applies an identity's policy to an intent. With `require_approval` every intent needs the
 * owner, payment or not, except payments within `auto_approve_max_sats`: leaving the payment
 * out is never a way around it. Payments are always recorded, so they count against the limit.
 * `ownerPresent`: the owner is asking in Telegram and confirms there, which is the approval.
 * @throws AppError 403 `policy_denied` for a destination outside the allowlist.
 */
export function evaluatePolicy(policy: Policy, payment: Payment | undefined, ownerPresent: boolean): PolicyVerdict {
  if (payment && policy.allowed_destinations && !policy.allowed_destinations.includes(payment.destination)) {
    throw policyDenied("the destination is not on this identity's allowlist");
  }
  const autoApproved = payment !== undefined && policy.auto_approve_max_sats !== null && payment.amount_sats <= policy.auto_approve_max_sats;
  if (policy.require_approval && !autoApproved && !ownerPresent) return { kind: "approval" };
  return { kind: "allow", reserve: payment !== undefined };
}

/**
 * A quick, non-binding daily-limit check so a hopeless request is refused at once; the binding
 * check happens atomically when the amount is reserved.
 * @throws AppError 403 `policy_denied`.
 */
export async function precheckDailyLimit(deps: Deps, identityId: string, policy: Policy, payment: Payment | undefined): Promise<void> {
  if (!payment || policy.daily_limit_sats === null) return;
  const spent = await spentToday(deps.dbh.db, identityId, deps.now());
  if (spent + payment.amount_sats > policy.daily_limit_sats) throw dailyLimitDenied(policy.daily_limit_sats, spent);
}

export function dailyLimitDenied(limit: number | null, spent?: number): AppError {
  const left = limit !== null && spent !== undefined ? ` (${Math.max(0, limit - spent)} sats left of ${limit} in the last 24 hours)` : "";
  return policyDenied(`this payment would exceed the identity's daily limit${left}`);
}

export async function getPolicy(deps: Deps, userId: string, identityId: string): Promise<Policy> {
  await getOwnedIdentity(deps, userId, identityId, false);
  return findPolicy(deps.dbh.db, identityId);
}

/** Sets an identity's policy (owner only) and audits the change with where it came from. */
export async function setPolicy(deps: Deps, userId: string, identityId: string, policy: Policy, source: Source): Promise<Policy> {
  await getOwnedIdentity(deps, userId, identityId);
  const now = deps.now();
  const { db } = deps.dbh;
  await runBatch(deps.dbh, [
    upsertPolicyQuery(db, identityId, policy, new Date(now).toISOString()),
    auditQuery(db, { action: "policy.update", userId, identityId, source, metadata: { ...policy } }, now),
  ]);
  return policy;
}
