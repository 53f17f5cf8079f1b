import { Api } from "grammy";
import { findIntent } from "../db/sign-intents.js";
import { activitySince, lapsedIntentIds, sweepExpired, type ActivityCounts } from "../db/upkeep.js";
import type { Deps } from "./deps.js";
import { expireLapsedIntent } from "./approvals.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The daily digest's schedule (wrangler.toml `[triggers]`); every trigger also runs the upkeep. */
export const DIGEST_CRON = "0 8 * * *";

/**
 * The scheduled upkeep: expires lapsed requests (audited, chat messages updated), then deletes
 * expired challenges, ticket records, conversation state and old update ids.
 */
export async function runUpkeep(deps: Deps): Promise<void> {
  const now = deps.now();
  let expired = 0;
  for (const id of await lapsedIntentIds(deps.dbh.db, now)) {
    const intent = await findIntent(deps.dbh.db, id);
    if (intent && (await expireLapsedIntent(deps, intent))) expired++;
  }
  const swept = await sweepExpired(deps.dbh.db, now);
  console.log(JSON.stringify({ event: "upkeep", expired_intents: expired, deleted: swept, at: new Date(now).toISOString() }));
}

const line = (label: string, day: number, week: number) => `${label}: ${day} (7 days: ${week})`;

/** The operator's daily digest text. */
export function digestText(day: ActivityCounts, week: ActivityCounts): string {
  return [
    "clw.cash daily digest (last 24 hours)",
    line("New users", day.users, week.users),
    line("Keys created", day.identities_created, week.identities_created),
    line("Keys destroyed", day.identities_destroyed, week.identities_destroyed),
    line("Signatures", day.signatures, week.signatures),
    line("Signing failures", day.failures, week.failures),
  ].join("\n");
}

/** Sends the digest to `TELEGRAM_ADMIN_CHAT_ID`, when both it and the bot are configured. */
export async function sendDigest(deps: Deps): Promise<boolean> {
  const { botToken, apiRoot, adminChatId } = deps.config.telegram;
  if (!botToken || !adminChatId) return false;
  const now = deps.now();
  const [day, week] = await Promise.all([activitySince(deps.dbh.db, now - DAY_MS), activitySince(deps.dbh.db, now - 7 * DAY_MS)]);
  await new Api(botToken, { apiRoot }).sendMessage(adminChatId, digestText(day, week));
  return true;
}
