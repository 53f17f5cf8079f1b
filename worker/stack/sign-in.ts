import { randomInt } from "node:crypto";
import { createClient, type ClwClient, type Session } from "@clw/shared";

/** A random Telegram user id, so every test or benchmark signs in as a user of its own. */
export function randomTelegramUserId(): number {
  return randomInt(1_000_000, 2 ** 40);
}

/**
 * Signs in through test-mode auth (challenge → verify) as a fresh or given Telegram user.
 * @returns a client holding the session token (verify keeps it), and the session.
 * @throws ClwApiError when either step fails, Error when the challenge stays pending.
 */
export async function signIn(apiUrl: string, telegramUserId = randomTelegramUserId()): Promise<{ client: ClwClient; session: Session }> {
  const client = createClient({ baseUrl: apiUrl });
  const challenge = await client.createChallenge({ telegram_user_id: telegramUserId });
  const result = await client.verify(challenge.challenge_id);
  if (result.status !== "approved") throw new Error("test-mode challenge did not resolve at once");
  const { status: _status, ...session } = result;
  return { client, session };
}
