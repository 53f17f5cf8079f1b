import { randomInt } from "node:crypto";
import { createClient, requireTicket } from "@clw/shared";
import { sign as signInitData } from "@telegram-apps/init-data-node/web";
import { describe, expect, it } from "vitest";
import { callbackUpdate } from "../stack/telegram-updates.js";
import { buildPsbt, keyPathScript, someoneElse, xOnlyOf } from "../../enclave/test/psbt-builders.js";
import { agentSession, BOT_TOKEN, postUpdate, randomDigest, useBotStack, waitForButton, WEBHOOK_SECRET } from "./support.js";

const bot = useBotStack({ keepLogs: true });

/** Fresh Mini App init data for the owner, signed with the bot's token as Telegram would. */
const initDataFor = (telegramUserId: number) => signInitData({ user: { id: telegramUserId, first_name: "Owner" }, query_id: crypto.randomUUID() }, BOT_TOKEN, new Date());

describe("logs", () => {
  it("carry every audit event as a JSON line and no secret, token, init data or key material", async () => {
    const api = bot().stack.apiUrl;
    const owner = randomInt(1e6, 1e9);
    const client = createClient({ baseUrl: api });
    const signInData = await initDataFor(owner);
    const session = await client.authWithTelegram(signInData);
    const identity = await client.createIdentity();
    const digest = randomDigest();
    const intent = requireTicket(await client.signIntent(identity.id, digest));
    await client.sign(identity.id, digest, intent.ticket);
    await client.sign(identity.id, digest, intent.ticket).catch(() => undefined);

    // An agent signed in through a link the owner approved in chat: its token is what it holds.
    const { client: agent, token: agentToken } = await agentSession(bot(), owner, "logging agent");
    const own = keyPathScript(xOnlyOf(identity.public_key));
    const psbt = buildPsbt([{ script: own, value: 20_000n }], [{ script: someoneElse().script, value: 19_000n }]).toBase64();
    const psbtIntent = requireTicket(await agent.psbtIntent(identity.id, psbt));
    await agent.signPsbt(identity.id, psbt, { finalize: true });

    await client.setPolicy(identity.id, { require_approval: true, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null });
    await client.signIntent(identity.id, randomDigest(), { amount_sats: 1000, destination: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" });
    await agent.setPolicy(identity.id, { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null });
    await postUpdate(api, callbackUpdate(owner, (await waitForButton(bot().telegram, owner, "action:confirm:")).data));
    await fetch(`${api}/v1/identities`, { headers: { authorization: `Bearer ${intent.ticket}` } });
    await fetch(`${api}/telegram-webhook`, { method: "POST", body: JSON.stringify({ update_id: 1 }) });
    await fetch(`${api}/health?deep=1`);
    const presence = await initDataFor(owner);
    expect(await client.destroyIdentity(identity.id, { initData: presence })).toEqual({ ok: true });
    await client.destroyIdentity(identity.id, { initData: presence }).catch(() => undefined); // used init data, refused
    await client.logout();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const logs = bot().stack.logs();
    const audit = logs.split("\n").filter((line) => line.includes('"event":"audit"'));
    const actions = audit.map((line) => JSON.parse(line.slice(line.indexOf("{"))).action);
    expect(actions).toEqual(
      expect.arrayContaining(["user.create", "session.create", "identity.create", "identity.sign", "policy.update", "intent.create", "action.request", "action.confirm", "identity.destroy", "session.revoke"]),
    );

    const secrets = {
      ...bot().stack.secrets,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      session: session.token,
      "agent session": agentToken,
      ticket: intent.ticket,
      "PSBT ticket": psbtIntent.ticket,
      "sign-in init data": signInData,
      "init data's hash": new URLSearchParams(signInData).get("hash")!,
      "presence init data": presence,
      "presence init data's hash": new URLSearchParams(presence).get("hash")!,
    };
    for (const [name, value] of Object.entries(secrets)) expect(logs.includes(value), `${name} appears in the logs`).toBe(false);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/); // no JWT of any kind
    expect(logs).not.toContain("v1.local."); // no sealed key either
  });
});
