import { findLiveSession } from "../db/sessions.js";
import { AppError } from "../errors.js";
import type { Deps } from "./deps.js";
import { spendInitData, verifyInitDataOrThrow } from "./init-data.js";
import type { AuthContext } from "./sessions.js";

/**
 * How the owner is present for a change that needs them: in the chat (a verified webhook
 * update from their account), in the Mini App (fresh init data, used once), or not at all
 * (a bearer token alone: the change waits for their confirmation in Telegram).
 */
export type Presence = "chat" | "miniapp" | "none";

/** What a Mini App proof is for: approving one request (named by the start param), or one change. */
export type ProofPurpose = { kind: "approve"; intentId: string } | { kind: "action" };

/**
 * Checks the owner's presence in the Mini App: the request comes from a Mini App session (not any
 * session of theirs, so an agent's token plus leaked init data proves nothing), with init data
 * that is genuine, at most `APPROVAL_INIT_DATA_MAX_AGE_SECONDS` old, from the owner's own account,
 * opened for this very request when approving, and not used for this purpose before.
 * @returns the owner's Telegram user id.
 * @throws AppError 403 `approval_required` (not a Mini App session, or opened for another request),
 *   403 `forbidden` (another account), 401 (bad, stale or used init data).
 */
export async function proveMiniAppPresence(deps: Deps, auth: AuthContext, initData: string, purpose: ProofPurpose): Promise<number> {
  const session = auth.sessionId === null ? undefined : await findLiveSession(deps.dbh.db, auth.sessionId, deps.now());
  if (!session || session.user_id !== auth.userId) throw new AppError(401, "unauthorized", "the session has ended; sign in again");
  if (session.via !== "miniapp") {
    throw new AppError(403, "approval_required", "this needs the owner in Telegram: confirm in the chat, or use the Mini App inside Telegram");
  }
  const maxAge = deps.config.approvalInitDataMaxAgeSeconds;
  const proof = await verifyInitDataOrThrow(deps, initData, maxAge);
  if (session.telegram_user_id !== proof.telegramUserId) throw new AppError(403, "forbidden", "only the owner's Telegram account can do this");
  if (purpose.kind === "approve" && proof.startParam !== purpose.intentId) {
    throw new AppError(403, "approval_required", "this Mini App was opened for another request: open this one from its Review button, or decide in the chat");
  }
  await spendInitData(deps, initData, purpose.kind, maxAge);
  return proof.telegramUserId;
}
