import type { PendingAction, Policy, PolicyUpdate } from "@clw/shared";
import { findPolicy } from "../db/policies.js";
import type { Deps, Source } from "./deps.js";
import { destroyOwnedIdentity, getOwnedIdentity } from "./identities.js";
import { requestOwnerAction } from "./owner-actions.js";
import { loosenings, resolvePolicyUpdate } from "./policy-rules.js";
import { applyPolicy } from "./policies.js";
import type { Presence } from "./presence.js";

/** A change made at once, or one that waits for the owner's confirmation in Telegram. */
export type ChangeOutcome<T> = { status: "done"; result: T } | { status: "pending"; action: PendingAction };

export interface ChangeRequest {
  userId: string;
  identityId: string;
  /**
   * Proves how the owner is present, only when a change needs it: a proof that can be used once
   * (Mini App init data) is not spent on a change that does not need it.
   */
  presence: () => Promise<Presence>;
  /** Where the request came from when the owner is not (or need not be) present. */
  source: Source;
  requestedBy: string | null;
}

/** Where a change the owner was present for came from. */
const sourceOf = (presence: Presence, fallback: Source): Source => (presence === "miniapp" ? "miniapp" : presence === "chat" ? "telegram" : fallback);

/**
 * Changes an identity's policy. Tightening (or keeping) is immediate, whoever asks. Anything that
 * loosens it (approval off, a higher auto-approve amount, daily limit or fee cap, a wider
 * allowlist, raw digests allowed, unsafe sighash types) needs the owner present (in the chat, or
 * the Mini App with fresh init data); asked for with a bearer token alone, it becomes a request
 * the owner confirms in Telegram. The owner is told of every change not made in the chat.
 * @throws AppError 404/403/409 for the identity; 401/403 when a proof of presence is sent but proves nothing.
 */
export async function changePolicy(deps: Deps, change: ChangeRequest, update: PolicyUpdate | Policy): Promise<ChangeOutcome<Policy>> {
  await getOwnedIdentity(deps, change.userId, change.identityId);
  const current = await findPolicy(deps.dbh.db, change.identityId);
  const next = resolvePolicyUpdate(update);
  const loosened = loosenings(current, next);
  if (loosened.length === 0) return { status: "done", result: await applyPolicy(deps, change.userId, change.identityId, next, change.source, change.requestedBy) };
  const presence = await change.presence();
  if (presence === "none" && !deps.testMode) {
    const action = await requestOwnerAction(deps, { userId: change.userId, identityId: change.identityId, kind: "policy", policy: next, changes: loosened, requestedBy: change.requestedBy }, change.source);
    return { status: "pending", action };
  }
  return { status: "done", result: await applyPolicy(deps, change.userId, change.identityId, next, sourceOf(presence, change.source), change.requestedBy) };
}

/**
 * Destroys an identity when the owner is present (or in test mode); asked for with a bearer token
 * alone, it becomes a request the owner confirms in Telegram.
 * @throws AppError 404/403/409 for the identity; 401/403 when a proof of presence is sent but proves nothing.
 */
export async function destroyWithOwner(deps: Deps, change: ChangeRequest): Promise<ChangeOutcome<true>> {
  await getOwnedIdentity(deps, change.userId, change.identityId);
  const presence = await change.presence();
  if (presence === "none" && !deps.testMode) {
    const action = await requestOwnerAction(deps, { userId: change.userId, identityId: change.identityId, kind: "destroy", changes: [], requestedBy: change.requestedBy }, change.source);
    return { status: "pending", action };
  }
  await destroyOwnedIdentity(deps, change.userId, change.identityId, sourceOf(presence, change.source));
  return { status: "done", result: true };
}
