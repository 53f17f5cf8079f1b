import { confirmationCode } from "@clw/shared";
import type { SignInDecision, SignInProblem, SignInRequest } from "@clw/bot";
import { claimChallenge, decideChallengeQuery, findChallenge, findChallengeByCode } from "../db/challenges.js";
import { auditQuery } from "./audit.js";
import type { Deps } from "./deps.js";
import { ensureUser } from "./sessions.js";

/**
 * The owner opened a sign-in deep link in Telegram: bind the challenge to their account and
 * describe it for the prompt, or say why it cannot be used.
 */
export async function openSignIn(deps: Deps, code: string, telegramUserId: number): Promise<SignInRequest | SignInProblem> {
  const now = deps.now();
  const challenge = await claimChallenge(deps.dbh.db, code, telegramUserId, now);
  if (challenge) {
    return {
      challengeId: challenge.id,
      clientLabel: challenge.client_label,
      createdAt: challenge.created_at,
      expiresAt: new Date(challenge.expires_ms).toISOString(),
      confirmationCode: confirmationCode(challenge.code),
    };
  }
  const existing = await findChallengeByCode(deps.dbh.db, code);
  if (!existing) return "unknown";
  if (existing.status !== "pending") return "used";
  if (existing.expires_ms <= now) return "expired";
  return "other_account";
}

/**
 * Approve or Deny pressed in Telegram. Only the account the challenge is bound to can decide,
 * once, before it expires; the decision is audited.
 */
export async function decideSignIn(deps: Deps, challengeId: string, telegramUserId: number, approve: boolean): Promise<SignInDecision> {
  const { db } = deps.dbh;
  const challenge = await findChallenge(db, challengeId);
  if (!challenge) return "gone";
  if (challenge.telegram_user_id !== telegramUserId) return "not_yours";
  const user = await ensureUser(deps, telegramUserId, "telegram");
  const now = deps.now();
  const decided = await decideChallengeQuery(db, challengeId, telegramUserId, approve ? "approved" : "denied", now).executeTakeFirst();
  if (!decided) return "gone";
  const action = approve ? "signin.approve" : "signin.deny";
  await auditQuery(db, { action, userId: user.id, source: "telegram", metadata: { client: challenge.client_label } }, now).execute();
  return approve ? "approved" : "denied";
}
