import { confirmationCode, type Challenge, type Session } from "@clw/shared";
import type { SignInDecision, SignInProblem, SignInRequest } from "@clw/bot";
import { claimChallenge, consumeApprovedChallenge, decideChallengeQuery, findChallenge, findChallengeByCode, insertChallenge } from "../db/challenges.js";
import { AppError } from "../errors.js";
import { auditQuery } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { randomToken } from "./random.js";
import { openSession } from "./sessions.js";
import { ensureTestUser, ensureUser, parseUserRef } from "./users.js";

export interface ChallengeInput {
  /** Telegram's id (number or digits), or in test mode the name of a test user. */
  telegramUser?: number | string;
  clientLabel?: string;
}

/**
 * Starts a sign-in. In test mode a challenge that names a user is approved at once; otherwise it
 * waits for the owner to approve it in Telegram through the deep link. With a bot, a numeric
 * Telegram id binds the challenge to that account; a name is not a Telegram account and binds nothing.
 * @throws AppError 503 `misconfigured` when neither Telegram nor test mode is configured.
 */
export async function createChallenge(deps: Deps, input: ChallengeInput): Promise<Challenge> {
  const { config, testMode } = deps;
  const { botToken, botUsername } = config.telegram;
  if (!testMode && (!botToken || !botUsername)) {
    const why = config.testModeAllowed ? " (test mode answers only on a loopback host, or with ENVIRONMENT=local)" : "";
    throw new AppError(503, "misconfigured", `sign-in is not configured: set TELEGRAM_BOT_TOKEN and TELEGRAM_BOT_USERNAME${why}`);
  }
  const ref = input.telegramUser === undefined ? undefined : parseUserRef(input.telegramUser);
  const now = deps.now();
  const id = crypto.randomUUID();
  const code = randomToken(16);
  const expiresMs = now + config.challengeTtlSeconds * 1000;
  const testUser = testMode && ref && "testUser" in ref ? ref.testUser : null;
  const telegramUserId = ref && "telegramUserId" in ref ? ref.telegramUserId : null;
  await insertChallenge(deps.dbh.db, {
    id,
    code,
    status: testMode && ref ? "approved" : "pending",
    telegram_user_id: telegramUserId,
    test_user: testUser,
    client_label: input.clientLabel ?? null,
    created_at: new Date(now).toISOString(),
    expires_ms: expiresMs,
  });
  const deepLink = testMode ? null : `https://t.me/${botUsername}?start=${code}`;
  return { challenge_id: id, expires_at: new Date(expiresMs).toISOString(), deep_link: deepLink, confirmation_code: confirmationCode(code) };
}

export type VerifyOutcome = { status: "pending"; expires_at: string } | ({ status: "approved" } & Session);

/**
 * Exchanges an approved challenge for a session, at most once.
 * @throws AppError 404 unknown, expired or already used; 403 `challenge_denied`.
 */
export async function verifyChallenge(deps: Deps, challengeId: string, source: Source): Promise<VerifyOutcome> {
  const now = deps.now();
  const { db } = deps.dbh;
  const challenge = await findChallenge(db, challengeId);
  if (!challenge || challenge.expires_ms <= now || challenge.status === "consumed") {
    throw new AppError(404, "not_found", "unknown, expired or already used challenge");
  }
  if (challenge.status === "denied") throw new AppError(403, "challenge_denied", "the sign-in was denied in Telegram");
  if (challenge.status === "pending") {
    return { status: "pending", expires_at: new Date(challenge.expires_ms).toISOString() };
  }
  const consumed = await consumeApprovedChallenge(db, challengeId, now);
  const user = !consumed
    ? undefined
    : consumed.test_user !== null
      ? await ensureTestUser(deps, consumed.test_user, source)
      : consumed.telegram_user_id !== null
        ? await ensureUser(deps, consumed.telegram_user_id, source)
        : undefined;
  if (!user) throw new AppError(404, "not_found", "unknown, expired or already used challenge");
  const session = await openSession(deps, user, source, { challengeId, via: deps.testMode ? "test" : "link", clientLabel: consumed!.client_label });
  return { status: "approved", ...session };
}

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
