import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index.js";
import { DIGEST_CRON } from "../src/services/upkeep.js";
import type { Env } from "../src/env.js";
import { call, createIdentity, freshTelegramId, randomDigest, signIn, signIntent } from "./helpers.js";
import { botEnv, callsFor } from "./telegram.js";

async function runCron(cron: string, overrides: Partial<Env> = {}) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron, scheduledTime: Date.now() }), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
}

const countWhere = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

describe("scheduled upkeep", () => {
  it("deletes expired challenges, ticket records and conversation state, and keeps live ones", async () => {
    const old = crypto.randomUUID();
    const live = crypto.randomUUID();
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO challenges (id, code, status, created_at, expires_ms) VALUES (?, ?, 'pending', '2026-01-01', ?)").bind(old, old.replaceAll("-", ""), now - 1000),
      env.DB.prepare("INSERT INTO challenges (id, code, status, created_at, expires_ms) VALUES (?, ?, 'pending', '2026-01-01', ?)").bind(live, live.replaceAll("-", ""), now + 60_000),
      env.DB.prepare("INSERT INTO ticket_uses (nonce, identity_id, used_at, expires_ms) VALUES (?, 'x', 'x', ?)").bind(`old-${old}`, now - 1000),
      env.DB.prepare("INSERT INTO ticket_uses (nonce, identity_id, used_at, expires_ms) VALUES (?, 'x', 'x', ?)").bind(`live-${live}`, now + 60_000),
      env.DB.prepare("INSERT INTO bot_conversations (key, state, expires_ms) VALUES (?, '{}', ?)").bind(`old-${old}`, now - 1000),
      env.DB.prepare("INSERT INTO telegram_updates (update_id, received_ms) VALUES (?, ?)").bind(Math.floor(Math.random() * 1e9), now - 3 * 86_400_000),
    ]);
    await runCron("*/30 * * * *");
    expect(await countWhere("SELECT count(*) AS n FROM challenges WHERE id IN (?, ?)", old, live)).toBe(1);
    expect(await countWhere("SELECT count(*) AS n FROM challenges WHERE id = ?", live)).toBe(1);
    expect(await countWhere("SELECT count(*) AS n FROM ticket_uses WHERE nonce IN (?, ?)", `old-${old}`, `live-${live}`)).toBe(1);
    expect(await countWhere("SELECT count(*) AS n FROM bot_conversations WHERE key = ?", `old-${old}`)).toBe(0);
    expect(await countWhere("SELECT count(*) AS n FROM telegram_updates WHERE received_ms < ?", now - 2 * 86_400_000)).toBe(0);
  });

  it("expires lapsed requests and audits it", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    await call("PUT", `/v1/identities/${identity.id}/policy`, { token, body: { require_approval: true, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null } });
    const pending = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { digest: randomDigest() } });
    await env.DB.prepare("UPDATE sign_intents SET expires_ms = 1 WHERE id = ?").bind(pending.body.id).run();
    await runCron("*/30 * * * *");
    expect(await countWhere("SELECT count(*) AS n FROM sign_intents WHERE id = ? AND status = 'expired'", pending.body.id)).toBe(1);
    const audit = await call("GET", "/v1/audit", { token });
    expect(audit.body.items[0]).toMatchObject({ action: "intent.expire", source: "system" });
  });

  it("sends the operator a daily digest when TELEGRAM_ADMIN_CHAT_ID is set", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    const adminChat = freshTelegramId();
    await runCron(DIGEST_CRON, { ...botEnv(), TELEGRAM_ADMIN_CHAT_ID: String(adminChat) });
    const [digestMessage] = await callsFor(env.TEST_TELEGRAM_API_ROOT, adminChat);
    expect(digestMessage?.payload.text).toMatch(/Signatures: [1-9]\d* \(7 days: [1-9]\d*\)/);
    expect(digestMessage?.payload.text).toMatch(/Keys created: [1-9]/);

    const quiet = freshTelegramId();
    await runCron("*/30 * * * *", { ...botEnv(), TELEGRAM_ADMIN_CHAT_ID: String(quiet) });
    expect(await callsFor(env.TEST_TELEGRAM_API_ROOT, quiet)).toEqual([]);
  });
});
