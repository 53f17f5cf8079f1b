import { env } from "cloudflare:test";
import { sign, signData } from "@telegram-apps/init-data-node/web";
import { describe, expect, it } from "vitest";
import { call, freshTelegramId } from "./helpers.js";

const BOT_TOKEN = "1234567890:AAE_test_bot_token_for_miniapp_auth";
const OTHER_BOT_TOKEN = "9876543210:AAF_someone_elses_bot_token_entirely";
const withBot = { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_BOT_USERNAME: "clw_test_bot" };

/** Init data as Telegram would hand it to the Mini App, signed with `token`. */
function initDataFor(telegramUserId: number, token = BOT_TOKEN, authDate = new Date()): Promise<string> {
  return sign(
    // Every launch of the Mini App gets init data of its own.
    { user: { id: telegramUserId, first_name: "Ada", username: "ada" }, query_id: crypto.randomUUID(), chat_type: "private" },
    token,
    authDate,
  );
}

async function userCount(): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM users").first<number>("n")) ?? 0;
}

async function usersWithTelegramId(telegramUserId: number): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE telegram_user_id = ?").bind(telegramUserId).first<number>("n")) ?? 0;
}

/** Posts init data and checks the refusal left no user behind. */
async function expectRefused(initData: string, telegramUserId: number, status = 401, envOverride = withBot) {
  const before = await userCount();
  const res = await call("POST", "/v1/auth/telegram", { body: { init_data: initData }, env: envOverride });
  expect(res.status).toBe(status);
  expect(res.body.token).toBeUndefined();
  expect(await userCount()).toBe(before);
  expect(await usersWithTelegramId(telegramUserId)).toBe(0);
  return res;
}

describe("POST /v1/auth/telegram", () => {
  it("exchanges genuine, fresh init data for a working session of that Telegram user", async () => {
    const telegramUserId = freshTelegramId();
    const res = await call("POST", "/v1/auth/telegram", { body: { init_data: await initDataFor(telegramUserId) }, env: withBot });
    expect(res.status).toBe(200);
    expect(res.body.user.telegram_user_id).toBe(String(telegramUserId));
    expect(res.body.expires_in).toBe(3600);

    const identities = await call("GET", "/v1/identities", { token: res.body.token, env: withBot });
    expect(identities.status).toBe(200);
    const audit = await call("GET", "/v1/audit", { token: res.body.token, env: withBot });
    const events = audit.body.items as { action: string; source: string }[];
    expect(events.map((e) => e.action).sort()).toEqual(["session.create", "user.create"]);
    expect(events.every((e) => e.source === "miniapp")).toBe(true);
  });

  it("reuses the existing user on a second sign-in", async () => {
    const telegramUserId = freshTelegramId();
    const first = await call("POST", "/v1/auth/telegram", { body: { init_data: await initDataFor(telegramUserId) }, env: withBot });
    const second = await call("POST", "/v1/auth/telegram", { body: { init_data: await initDataFor(telegramUserId) }, env: withBot });
    expect(second.status).toBe(200);
    expect(second.body.user.id).toBe(first.body.user.id);
    expect(second.body.token).not.toBe(first.body.token);
    expect(await usersWithTelegramId(telegramUserId)).toBe(1);
  });

  it("signs in once with the same init data: a replay opens no second session", async () => {
    const telegramUserId = freshTelegramId();
    const initData = await initDataFor(telegramUserId);
    const first = await call("POST", "/v1/auth/telegram", { body: { init_data: initData }, env: withBot });
    expect(first.status).toBe(200);
    const replay = await call("POST", "/v1/auth/telegram", { body: { init_data: initData }, env: withBot });
    expect([replay.status, replay.body.code]).toEqual([401, "init_data_used"]);
    const sessions = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?").bind(first.body.user.id).first<{ n: number }>();
    expect(sessions?.n).toBe(1);
  });

  it("refuses tampered init data (another user id swapped in after signing)", async () => {
    const victim = freshTelegramId();
    const genuine = await initDataFor(freshTelegramId());
    const params = new URLSearchParams(genuine);
    params.set("user", JSON.stringify({ id: victim, first_name: "Ada", username: "ada" }));
    const res = await expectRefused(params.toString(), victim);
    expect(res.body.code).toBe("init_data_invalid");
  });

  it("refuses init data signed with another bot's token", async () => {
    const telegramUserId = freshTelegramId();
    await expectRefused(await initDataFor(telegramUserId, OTHER_BOT_TOKEN), telegramUserId);
  });

  it("refuses stale init data (auth_date older than INIT_DATA_MAX_AGE_SECONDS)", async () => {
    const telegramUserId = freshTelegramId();
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    const res = await expectRefused(await initDataFor(telegramUserId, BOT_TOKEN, twoHoursAgo), telegramUserId);
    expect(res.body.error).toMatch(/expired/);
    // The bound is configurable: the same data passes under a longer bound.
    const lenient = await call("POST", "/v1/auth/telegram", {
      body: { init_data: await initDataFor(telegramUserId, BOT_TOKEN, twoHoursAgo) },
      env: { ...withBot, INIT_DATA_MAX_AGE_SECONDS: "86400" },
    });
    expect(lenient.status).toBe(200);
  });

  it("refuses init data dated in the future", async () => {
    const telegramUserId = freshTelegramId();
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    await expectRefused(await initDataFor(telegramUserId, BOT_TOKEN, tomorrow), telegramUserId);
  });

  it("refuses genuine init data that names no user", async () => {
    const authDate = Math.floor(Date.now() / 1000);
    const pairs = [`auth_date=${authDate}`, "chat_type=sender", "query_id=AAHdF6IQ"];
    const hash = await signData(pairs.sort().join("\n"), BOT_TOKEN);
    const before = await userCount();
    const res = await call("POST", "/v1/auth/telegram", { body: { init_data: `${pairs.join("&")}&hash=${hash}` }, env: withBot });
    expect(res.status).toBe(401);
    expect(await userCount()).toBe(before);
  });

  it("refuses init data without a hash, or that is not init data at all", async () => {
    const telegramUserId = freshTelegramId();
    const params = new URLSearchParams(await initDataFor(telegramUserId));
    params.delete("hash");
    await expectRefused(params.toString(), telegramUserId);
    await expectRefused("hello", telegramUserId);
  });

  it("answers 503 misconfigured when no bot token is set, creating nothing", async () => {
    const telegramUserId = freshTelegramId();
    const res = await expectRefused(await initDataFor(telegramUserId), telegramUserId, 503, { TELEGRAM_BOT_TOKEN: undefined } as never);
    expect(res.body.code).toBe("misconfigured");
  });

  it("validates the body like every other route", async () => {
    expect((await call("POST", "/v1/auth/telegram", { body: {}, env: withBot })).status).toBe(400);
    expect((await call("POST", "/v1/auth/telegram", { body: { init_data: "" }, env: withBot })).status).toBe(400);
    expect((await call("POST", "/v1/auth/telegram", { body: { init_data: "x".repeat(8193) }, env: withBot })).status).toBe(400);
    expect((await call("POST", "/v1/auth/telegram", { raw: "{", env: withBot })).status).toBe(400);
  });
});
