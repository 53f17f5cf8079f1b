import { sql } from "kysely";
import type { Db } from "./client.js";
import { IDEMPOTENCY_TTL_MS } from "./idempotency.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one upkeep pass deleted, per table. */
export interface Swept {
  challenges: number;
  ticket_uses: number;
  bot_conversations: number;
  telegram_updates: number;
  sessions: number;
  init_data_uses: number;
  idempotency_keys: number;
  agent_requests: number;
}

const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);

/**
 * Deletes what has expired: challenges, consumed-ticket records (their tickets can no longer
 * verify), conversation state, update ids older than Telegram's redelivery window, sessions a
 * week past expiry, spent init data once it is stale anyway, day-old idempotency keys and agent
 * sign-ins. Audit events are never deleted.
 */
export async function sweepExpired(db: Db, nowMs: number): Promise<Swept> {
  const [challenges, ticketUses, conversations, updates, sessions, initData, idempotency, agentRequests] = await Promise.all([
    db.deleteFrom("challenges").where("expires_ms", "<", nowMs).executeTakeFirst(),
    db.deleteFrom("ticket_uses").where("expires_ms", "<", nowMs).executeTakeFirst(),
    db.deleteFrom("bot_conversations").where("expires_ms", "<", nowMs).executeTakeFirst(),
    db.deleteFrom("telegram_updates").where("received_ms", "<", nowMs - 2 * DAY_MS).executeTakeFirst(),
    db.deleteFrom("sessions").where("expires_ms", "<", nowMs - 7 * DAY_MS).executeTakeFirst(),
    db.deleteFrom("init_data_uses").where("expires_ms", "<", nowMs).executeTakeFirst(),
    db.deleteFrom("idempotency_keys").where("created_ms", "<", nowMs - IDEMPOTENCY_TTL_MS).executeTakeFirst(),
    db.deleteFrom("agent_requests").where("expires_ms", "<", nowMs - DAY_MS).executeTakeFirst(),
  ]);
  return {
    challenges: count(challenges),
    ticket_uses: count(ticketUses),
    bot_conversations: count(conversations),
    telegram_updates: count(updates),
    sessions: count(sessions),
    init_data_uses: count(initData),
    idempotency_keys: count(idempotency),
    agent_requests: count(agentRequests),
  };
}

/** Ids of requests still marked pending or approved whose time is up. */
export async function lapsedIntentIds(db: Db, nowMs: number): Promise<string[]> {
  const rows = await db
    .selectFrom("sign_intents")
    .select("id")
    .where((eb) =>
      eb.or([
        eb.and([eb("status", "=", "pending_approval"), eb("expires_ms", "<=", nowMs)]),
        eb.and([eb("status", "=", "approved"), eb("ticket_expires_ms", "<=", nowMs)]),
      ]),
    )
    .limit(500)
    .execute();
  return rows.map((row) => row.id);
}

export interface ActivityCounts {
  users: number;
  identities_created: number;
  identities_destroyed: number;
  signatures: number;
  failures: number;
}

/** Activity since `sinceMs`, from the audit trail. */
export async function activitySince(db: Db, sinceMs: number): Promise<ActivityCounts> {
  const since = new Date(sinceMs).toISOString();
  const result = await sql<ActivityCounts>`SELECT
      COALESCE(SUM(action = 'user.create'), 0) AS users,
      COALESCE(SUM(action = 'identity.create'), 0) AS identities_created,
      COALESCE(SUM(action = 'identity.destroy'), 0) AS identities_destroyed,
      COALESCE(SUM(CASE WHEN action = 'identity.sign' THEN COALESCE(json_extract(metadata, '$.count'), 1) ELSE 0 END), 0) AS signatures,
      COALESCE(SUM(action = 'identity.sign_failed'), 0) AS failures
    FROM audit_events WHERE created_at >= ${since}`.execute(db);
  const row = result.rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as ActivityCounts;
}
