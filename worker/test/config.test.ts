import { describe, expect, it } from "vitest";
import { configNames, type Env } from "../src/env.js";
import { call, freshTelegramId, signIn } from "./helpers.js";
import { TEST_WEBHOOK_SECRET, textUpdate } from "./telegram.js";

const REQUIRED = ["INTERNAL_API_KEY", "TICKET_SIGNING_SECRET", "SESSION_SIGNING_SECRET"];
const emptied = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, ""])) as Partial<Env>;

describe("an empty var or secret counts as unset", () => {
  it("TELEGRAM_BOT_TOKEN= (a .dev.vars copied from an example) is test mode, not a broken bot", async () => {
    const env = emptied(["TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME", "TELEGRAM_WEBHOOK_SECRET"]);
    const challenge = await call("POST", "/v1/auth/challenge", { body: { telegram_user_id: freshTelegramId() }, env });
    expect([challenge.status, challenge.body.code]).toEqual([201, undefined]);
    const verified = await call("POST", "/v1/auth/verify", { body: { challenge_id: challenge.body.challenge_id }, env });
    expect(verified.status).toBe(200);
    expect(verified.body.token).toEqual(expect.any(String));

    const webhook = await call("POST", "/telegram-webhook", { raw: JSON.stringify(textUpdate(freshTelegramId(), "/start")), headers: { "x-telegram-bot-api-secret-token": TEST_WEBHOOK_SECRET }, env });
    expect([webhook.status, webhook.body.code]).toEqual([503, "misconfigured"]);
  });

  it("every optional var and secret may be empty: the defaults apply", async () => {
    const { token } = await signIn();
    const optional = configNames.filter((name) => !REQUIRED.includes(name));
    expect(optional).toEqual(expect.arrayContaining(["EV_API_KEY", "TELEGRAM_ADMIN_CHAT_ID", "SESSION_SIGNING_SECRET_PREVIOUS", "TICKET_SIGNING_SECRET_PREVIOUS", "TICKET_TTL_SECONDS"]));
    const res = await call("GET", "/v1/identities", { token, env: emptied(optional) });
    expect([res.status, res.body]).toEqual([200, { items: [] }]);
  });

  it("an empty required secret is missing: 500 misconfigured naming it and where to set it", async () => {
    for (const name of REQUIRED) {
      const res = await call("POST", "/v1/auth/challenge", { body: {}, env: emptied([name]) });
      expect([res.status, res.body.code]).toEqual([500, "misconfigured"]);
      expect(res.body.error).toContain(`${name}: not set`);
      expect(res.body.error).toContain("wrangler secret put");
      expect(res.body.error).toContain(".dev.vars");
      expect(res.body.error).toContain("pnpm dev");
    }
  });
});
