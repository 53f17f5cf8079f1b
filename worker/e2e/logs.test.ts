import { randomInt } from "node:crypto";
import { createClient, requireTicket } from "@clw/shared";
import { sign as signInitData } from "@telegram-apps/init-data-node/web";
import { describe, expect, it } from "vitest";
import { randomDigest, BOT_TOKEN, useBotStack, WEBHOOK_SECRET } from "./support.js";

const bot = useBotStack({ keepLogs: true });

describe("logs", () => {
  it("carry every audit event as a JSON line and no secret, token or key material", async () => {
    const owner = randomInt(1e6, 1e9);
    const client = createClient({ baseUrl: bot().stack.apiUrl });
    const session = await client.authWithTelegram(await signInitData({ user: { id: owner, first_name: "Owner" } }, BOT_TOKEN, new Date()));
    const identity = await client.createIdentity();
    const digest = randomDigest();
    const intent = requireTicket(await client.signIntent(identity.id, digest));
    await client.sign(identity.id, digest, intent.ticket);
    await client.sign(identity.id, digest, intent.ticket).catch(() => undefined);
    await client.setPolicy(identity.id, { require_approval: true, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null });
    await client.signIntent(identity.id, randomDigest(), { amount_sats: 1000, destination: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" });
    await fetch(`${bot().stack.apiUrl}/v1/identities`, { headers: { authorization: `Bearer ${intent.ticket}` } });
    await fetch(`${bot().stack.apiUrl}/telegram-webhook`, { method: "POST", body: JSON.stringify({ update_id: 1 }) });
    await fetch(`${bot().stack.apiUrl}/health?deep=1`);
    await client.destroyIdentity(identity.id);
    await client.logout();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const logs = bot().stack.logs();
    const audit = logs.split("\n").filter((line) => line.includes('"event":"audit"'));
    const actions = audit.map((line) => JSON.parse(line.slice(line.indexOf("{"))).action);
    expect(actions).toEqual(expect.arrayContaining(["user.create", "session.create", "identity.create", "identity.sign", "policy.update", "intent.create", "identity.destroy", "session.revoke"]));

    const secrets = { ...bot().stack.secrets, TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, session: session.token, ticket: intent.ticket };
    for (const [name, value] of Object.entries(secrets)) expect(logs.includes(value), `${name} appears in the logs`).toBe(false);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/); // no JWT of any kind
    expect(logs).not.toContain("v1.local."); // no sealed key either
  });
});
