import type { OwnerActionDecision, OwnerActionRequest } from "@clw/bot";
import type { OwnerActionState, PendingAction, Policy } from "@clw/shared";
import { decideOwnerActionQuery, findOwnerAction, insertOwnerAction, listOwnerActions, markOwnerAction } from "../db/owner-actions.js";
import type { OwnerActionKind, OwnerActionsTable } from "../db/schema.js";
import { findUserById } from "../db/users.js";
import { AppError } from "../errors.js";
import { recordAudit } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { destroyOwnedIdentity, getOwnedIdentity } from "./identities.js";
import { askOwnerToConfirm, showActionOutcome } from "./notify.js";
import { applyPolicy } from "./policies.js";

/** A change that needs the owner, asked for without them. */
export interface ActionRequest {
  userId: string;
  identityId: string;
  kind: OwnerActionKind;
  /** For a policy: the policy to set. */
  policy?: Policy;
  /** What it loosens, in words, for the owner's prompt. */
  changes: string[];
  requestedBy: string | null;
}

const expiresAt = (row: OwnerActionsTable) => new Date(row.expires_ms).toISOString();

function toPromptAction(row: OwnerActionsTable, changes: string[], policy?: Policy): OwnerActionRequest {
  return { id: row.id, kind: row.kind, identityId: row.identity_id!, changes, policy, requestedBy: row.requested_by, expiresAt: expiresAt(row) };
}

/**
 * Records a change that waits for the owner's confirmation in Telegram, audits it, and asks the
 * owner in chat with Confirm and Cancel. Nothing changes until they confirm.
 * @throws AppError 503 `misconfigured` when there is no bot to ask (outside test mode).
 */
export async function requestOwnerAction(deps: Deps, request: ActionRequest, source: Source): Promise<PendingAction> {
  if (!deps.config.telegram.botToken) throw new AppError(503, "misconfigured", "this change needs the owner's confirmation in Telegram, and no bot is configured");
  const owner = await findUserById(deps.dbh.db, request.userId);
  if (!owner) throw new AppError(401, "unauthorized", "the session's user no longer exists");
  const now = deps.now();
  const row: OwnerActionsTable = {
    id: crypto.randomUUID(),
    user_id: request.userId,
    identity_id: request.identityId,
    kind: request.kind,
    payload: JSON.stringify({ policy: request.policy ?? null, changes: request.changes }),
    status: "pending_confirmation",
    requested_by: request.requestedBy,
    created_at: new Date(now).toISOString(),
    expires_ms: now + deps.config.approvalTtlSeconds * 1000,
    decided_at: null,
    decided_via: null,
    telegram_chat_id: null,
    telegram_message_id: null,
  };
  await insertOwnerAction(deps.dbh.db, row);
  await recordAudit(deps, { action: "action.request", userId: request.userId, identityId: request.identityId, source, metadata: { action: row.id, kind: row.kind, changes: request.changes, requested_by: request.requestedBy } });
  askOwnerToConfirm(deps, owner.telegram_user_id, toPromptAction(row, request.changes, request.policy));
  return { id: row.id, kind: row.kind, status: "pending_confirmation", identity_id: request.identityId, changes: request.changes, expires_at: expiresAt(row) };
}

/** Makes the confirmed change; false when it can no longer be made (the key is gone). */
async function perform(deps: Deps, row: OwnerActionsTable): Promise<boolean> {
  const { policy } = JSON.parse(row.payload) as { policy: Policy | null };
  try {
    await getOwnedIdentity(deps, row.user_id, row.identity_id!);
    if (row.kind === "policy" && policy) await applyPolicy(deps, row.user_id, row.identity_id!, policy, "telegram", row.requested_by);
    if (row.kind === "destroy") await destroyOwnedIdentity(deps, row.user_id, row.identity_id!, "telegram");
    return true;
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return false;
    throw error;
  }
}

/**
 * Confirm or Cancel pressed in Telegram: only the owner's account decides, once, before it
 * expires; a confirmed change is made at once (and re-checked: a key destroyed meanwhile stays
 * destroyed). Audited, and the prompt is edited to say what became of it.
 */
export async function decideOwnerAction(deps: Deps, actionId: string, telegramUserId: number, confirm: boolean): Promise<OwnerActionDecision> {
  const action = await findOwnerAction(deps.dbh.db, actionId);
  if (!action) return "gone";
  if (action.owner_telegram_id !== telegramUserId) return "not_yours";
  const now = deps.now();
  const decided = await decideOwnerActionQuery(deps.dbh.db, actionId, confirm ? "confirmed" : "denied", "chat", new Date(now).toISOString(), now);
  if (!decided) return "gone";
  let outcome: OwnerActionDecision = confirm ? "confirmed" : "denied";
  if (confirm && !(await perform(deps, decided))) {
    outcome = "failed";
    await markOwnerAction(deps.dbh.db, actionId, "failed");
  }
  await recordAudit(deps, { action: confirm ? "action.confirm" : "action.deny", userId: decided.user_id, identityId: decided.identity_id, source: "telegram", metadata: { action: actionId, kind: decided.kind, outcome } });
  showActionOutcome(deps, decided, outcome);
  return outcome;
}

/** The API's view of an action (what it loosens, where it stands; expired once its time is up). */
function toState(deps: Deps, row: OwnerActionsTable): OwnerActionState {
  const { changes } = JSON.parse(row.payload) as { changes: string[] };
  const lapsed = row.status === "pending_confirmation" && row.expires_ms <= deps.now();
  return {
    id: row.id,
    kind: row.kind,
    status: lapsed ? "expired" : row.status,
    identity_id: row.identity_id,
    changes,
    created_at: row.created_at,
    expires_at: expiresAt(row),
    decided_via: row.decided_via,
    requested_by: row.requested_by,
  };
}

async function loadOwned(deps: Deps, userId: string, actionId: string) {
  const row = await findOwnerAction(deps.dbh.db, actionId);
  if (!row || row.user_id !== userId) throw new AppError(404, "not_found", "no such action");
  return row;
}

/**
 * Where a change that waits for the owner stands, for its owner's sessions.
 * @throws AppError 404 unknown or another user's.
 */
export async function getOwnerActionState(deps: Deps, userId: string, actionId: string): Promise<OwnerActionState> {
  return toState(deps, await loadOwned(deps, userId, actionId));
}

/** The owner's changes, newest first; with `pendingOnly`, those still waiting for them. */
export async function listOwnerActionStates(deps: Deps, userId: string, pendingOnly: boolean): Promise<OwnerActionState[]> {
  return (await listOwnerActions(deps.dbh.db, userId, pendingOnly, deps.now())).map((row) => toState(deps, row));
}

/**
 * Cancels a change that waits for the owner, from one of their sessions (cancelling only ever
 * keeps things as they are, so it needs no proof of presence); the chat's prompt says so.
 * @throws AppError 404 unknown or another user's, 409 `intent_decided` when it is no longer pending.
 */
export async function cancelOwnerAction(deps: Deps, userId: string, actionId: string): Promise<OwnerActionState> {
  await loadOwned(deps, userId, actionId);
  const now = deps.now();
  const cancelled = await decideOwnerActionQuery(deps.dbh.db, actionId, "denied", "api", new Date(now).toISOString(), now);
  if (!cancelled) throw new AppError(409, "intent_decided", "this change was already decided or has expired");
  await recordAudit(deps, { action: "action.deny", userId, identityId: cancelled.identity_id, source: "api", metadata: { action: actionId, kind: cancelled.kind, outcome: "denied" } });
  showActionOutcome(deps, cancelled, "denied");
  return toState(deps, cancelled);
}
