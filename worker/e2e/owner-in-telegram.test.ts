/**
 * The owner decides in Telegram, through `wrangler dev`, the real signer and a local Bot API:
 * a PSBT an agent asks to sign is shown output by output and signed once approved; an agent's
 * session cannot loosen a policy or destroy a key until the owner confirms in chat.
 */
import { randomInt } from "node:crypto";
import { createClient, formatSats, isPendingIntent, type PolicyUpdate } from "@clw/shared";
import { sign as signInitData } from "@telegram-apps/init-data-node/web";
import { describe, expect, it } from "vitest";
import { callbackUpdate } from "../stack/telegram-updates.js";
import { addressOf, buildPsbt, keyPathScript, prevoutsOf, someoneElse, verifyFinalTransaction, xOnlyOf } from "../../enclave/test/psbt-builders.js";
import { agentSession, BOT_TOKEN, expectApiError, postUpdate, randomDigest, saidTo, useBotStack, waitForButton } from "./support.js";

const bot = useBotStack();

const OPEN: PolicyUpdate = { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null };
const initDataFor = (telegramUserId: number) => signInitData({ user: { id: telegramUserId, first_name: "Owner" }, query_id: crypto.randomUUID() }, BOT_TOKEN, new Date());

/** The owner signed in from the Mini App, with a key that needs their approval, and an agent's session beside it. */
async function ownerAndAgent() {
  const owner = randomInt(1e6, 1e9);
  const client = createClient({ baseUrl: bot().stack.apiUrl });
  await client.authWithTelegram(await initDataFor(owner));
  const identity = await client.createIdentity();
  // Tightening applies at once, whoever asks.
  expect(await client.setPolicy(identity.id, { ...OPEN, require_approval: true })).toMatchObject({ require_approval: true });
  const agent = await agentSession(bot(), owner);
  return { owner, client, identity, agent: agent.client, agentToken: agent.token };
}

const press = (from: number, data: string, chat = from) => postUpdate(bot().stack.apiUrl, callbackUpdate(from, data, chat));

describe("a PSBT approved in chat", () => {
  it("the owner sees every output, the fee and what leaves the key; after Approve the waiting agent gets its ticket and signs", async () => {
    const { owner, identity, agent } = await ownerAndAgent();
    const own = keyPathScript(xOnlyOf(identity.public_key));
    const [shop, landlord] = [someoneElse(), someoneElse()];
    const opReturn = Buffer.concat([Buffer.of(0x6a, 0x08), Buffer.from("invoice7")]);
    const psbt = buildPsbt(
      [{ script: own, value: 120_000n }],
      [{ script: shop.script, value: 50_000n }, { script: landlord.script, value: 30_000n }, { script: opReturn, value: 0n }, { script: own, value: 38_000n }],
    );

    const signing = agent.signPsbt(identity.id, psbt.toBase64(), { finalize: true, timeoutSeconds: 30 });
    const request = await waitForButton(bot().telegram, owner, "intent:approve:");
    const lines = request.text.split("\n");
    expect(lines.find((l) => l.includes(addressOf(shop.script)))).toContain(formatSats(50_000));
    expect(lines.find((l) => l.includes(addressOf(landlord.script)))).toContain(formatSats(30_000));
    expect(lines.find((l) => l.includes("6a08696e766f69636537"))).toMatch(/0 sats.*a script without an address/);
    expect(lines.find((l) => l.includes(addressOf(own)))).toMatch(/38,000 sats.*change, back to this key/);
    expect(request.text).toContain(`Fee: ${formatSats(2_000)}`);
    expect(request.text).toMatch(/Leaving this key: <b>82,000 sats<\/b>/);
    expect(request.text).toContain("Asked by: API session");
    // Nothing is signed before the owner decides.
    expect((await agent.listSignIntents("pending_approval")).map((i) => i.transaction?.spend_sats)).toEqual([82_000]);

    expect((await press(owner, request.data)).status).toBe(200);
    const signed = await signing;
    expect(signed.signed_inputs).toEqual([0]);
    expect(verifyFinalTransaction(signed.tx_hex!, prevoutsOf(psbt))).toEqual(["key"]);
    expect(saidTo(bot().telegram, owner).at(-1)).toContain("Approved in chat");
  });

  it("a press by someone else approves nothing, and a denied PSBT never gets a ticket", async () => {
    const { owner, identity, agent } = await ownerAndAgent();
    const own = keyPathScript(xOnlyOf(identity.public_key));
    const psbt = buildPsbt([{ script: own, value: 10_000n }], [{ script: someoneElse().script, value: 9_000n }]);
    const signing = agent.signPsbt(identity.id, psbt.toBase64(), { timeoutSeconds: 30 }).catch((e: unknown) => e);
    const approve = await waitForButton(bot().telegram, owner, "intent:approve:");
    await press(owner + 1, approve.data, owner);
    expect((await agent.listSignIntents("pending_approval")).map((i) => `intent:approve:${i.id}`)).toEqual([approve.data]);
    await press(owner, approve.data.replace("approve", "deny"));
    expect(await signing).toMatchObject({ status: 403, code: "policy_denied" });
    expect((await agent.audit()).items.map((e) => e.action)).not.toContain("identity.sign");
  });
});

describe("nothing loosens without the owner", () => {
  it("an agent's session turning approval off gets 202; the owner's Confirm in chat makes it so, and only then does a request get its ticket", async () => {
    const { owner, identity, agent } = await ownerAndAgent();
    expect(isPendingIntent(await agent.signIntent(identity.id, randomDigest()))).toBe(true);

    const asked = await agent.setPolicy(identity.id, OPEN);
    expect(asked).toMatchObject({ kind: "policy", status: "pending_confirmation", identity_id: identity.id, changes: ["approval turned off"] });
    const actionId = (asked as { id: string }).id;
    expect(await agent.getPolicy(identity.id)).toMatchObject({ require_approval: true });
    expect(isPendingIntent(await agent.signIntent(identity.id, randomDigest()))).toBe(true);

    // The owner's init data in an agent's hands proves nothing.
    const leaked = await initDataFor(owner);
    await expectApiError(agent.setPolicy(identity.id, OPEN, { initData: leaked }), 403, "approval_required");

    const prompt = await waitForButton(bot().telegram, owner, `action:confirm:${actionId}`);
    expect(prompt.text).toContain("Loosen the policy of key");
    expect(prompt.text).toContain("It would allow: approval turned off");
    await press(owner + 1, prompt.data, owner); // another account's press
    expect(await agent.getAction(actionId)).toMatchObject({ status: "pending_confirmation" });

    expect((await press(owner, prompt.data)).status).toBe(200);
    expect(await agent.getAction(actionId)).toMatchObject({ status: "confirmed", decided_via: "chat" });
    expect(await agent.getPolicy(identity.id)).toMatchObject({ require_approval: false });
    expect(await agent.signIntent(identity.id, randomDigest())).toHaveProperty("ticket");
    const actions = (await agent.audit({ limit: 50 })).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["action.request", "action.confirm", "policy.update"]));
  });

  it("an agent's DELETE waits for the owner: Cancel keeps the key; the owner's own Mini App destroys it at once", async () => {
    const { owner, client, identity, agent } = await ownerAndAgent();
    const asked = await agent.destroyIdentity(identity.id);
    expect(asked).toMatchObject({ kind: "destroy", status: "pending_confirmation" });
    const prompt = await waitForButton(bot().telegram, owner, `action:deny:${(asked as { id: string }).id}`);
    expect(prompt.text).toContain(`Destroy key`);
    await press(owner, prompt.data);
    expect(await agent.getAction((asked as { id: string }).id)).toMatchObject({ status: "denied" });
    expect((await client.listIdentities()).map((i) => i.id)).toEqual([identity.id]);

    expect(await client.destroyIdentity(identity.id, { initData: await initDataFor(owner) })).toEqual({ ok: true });
    expect(await client.listIdentities()).toEqual([]);
  });
});
