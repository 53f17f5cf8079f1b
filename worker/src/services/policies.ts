import type { Policy } from "@clw/shared";
import { runBatch } from "../db/client.js";
import { findPolicy, upsertPolicyQuery } from "../db/policies.js";
import { spentToday } from "../db/sign-intents.js";
import { findUserById } from "../db/users.js";
import { AppError } from "../errors.js";
import { auditQuery } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { getOwnedIdentity } from "./identities.js";
import { requirePermission } from "./agents.js";
import { tellPolicyChanged } from "./notify.js";
import type { AuthContext } from "./sessions.js";

/** The 403 `policy_denied` error, with the reason. */
export function policyDenied(reason: string): AppError {
  return new AppError(403, "policy_denied", reason);
}

/**
 * A quick, non-binding daily-limit check so a hopeless request is refused at once; the binding
 * check happens atomically when the amount is reserved.
 * @throws AppError 403 `policy_denied`.
 */
export async function precheckDailyLimit(deps: Deps, identityId: string, policy: Policy, amountSats: number | null): Promise<void> {
  if (!amountSats || policy.daily_limit_sats === null) return;
  const spent = await spentToday(deps.dbh.db, identityId, deps.now());
  if (spent + amountSats > policy.daily_limit_sats) throw dailyLimitDenied(policy.daily_limit_sats, spent);
}

export function dailyLimitDenied(limit: number | null, spent?: number): AppError {
  const left = limit !== null && spent !== undefined ? ` (${Math.max(0, limit - spent)} sats left of ${limit} in the last 24 hours)` : "";
  return policyDenied(`this would exceed the identity's daily limit${left}`);
}

/** An identity's policy, for its owner or an agent key with `read` on it. */
export async function getPolicy(deps: Deps, auth: AuthContext, identityId: string): Promise<Policy> {
  requirePermission(deps, auth, "read", identityId);
  await getOwnedIdentity(deps, auth.userId, identityId, false);
  return findPolicy(deps.dbh.db, identityId);
}

/**
 * Writes an identity's policy (the caller has checked ownership and, for a loosening, the
 * owner's presence), audits it with where it came from, and tells the owner in Telegram when the
 * change did not come from the chat itself.
 */
export async function applyPolicy(deps: Deps, userId: string, identityId: string, policy: Policy, source: Source, requestedBy: string | null): Promise<Policy> {
  const now = deps.now();
  const { db } = deps.dbh;
  await runBatch(deps.dbh, [
    upsertPolicyQuery(db, identityId, policy, new Date(now).toISOString()),
    auditQuery(db, { action: "policy.update", userId, identityId, source, metadata: { ...policy, ...(requestedBy ? { requested_by: requestedBy } : {}) } }, now),
  ]);
  if (source !== "telegram") {
    const owner = await findUserById(db, userId);
    if (owner) tellPolicyChanged(deps, owner.telegram_user_id, identityId, policy, source, requestedBy);
  }
  return policy;
}
