import { randomInt } from "node:crypto";
import { ClwApiError, createClient, verifySchnorr, type ClwClient } from "@clw/shared";
import { sign as signInitData } from "@telegram-apps/init-data-node/web";
import { describe, expect, it } from "vitest";
import { randomDigest, BOT_TOKEN, postUpdate, useBotStack } from "./support.js";
import { callbackUpdate } from "../stack/telegram-updates.js";

const bot = useBotStack();
const ALICE = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const BOB = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy";

/** The owner signs in from the Mini App; the agent works with the same session. */
async function ownerWithKey(policy: Partial<Parameters<ClwClient["setPolicy"]>[1]> = {}) {
  const telegramUserId = randomInt(1e6, 1e9);
  const client = createClient({ baseUrl: bot().stack.apiUrl });
  await client.authWithTelegram(await signInitData({ user: { id: telegramUserId, first_name: "Owner" } }, BOT_TOKEN, new Date()));
  const identity = await client.createIdentity();
  await client.setPolicy(identity.id, { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, ...policy });
  return { telegramUserId, client, identity };
}

/** Waits for the bot's message about a request and presses one of its buttons as `fromUserId`. */
async function press(ownerTelegramId: number, action: "approve" | "deny", fromUserId = ownerTelegramId) {
  let data: string | undefined;
  for (let i = 0; i < 50 && !data; i++) {
    const message = bot().telegram.calls().filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === ownerTelegramId).at(-1);
    const buttons = (message?.payload.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard?.flat() ?? [];
    data = buttons.find((b) => b.callback_data?.startsWith(`intent:${action}:`))?.callback_data;
    if (!data) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!data) throw new Error("the owner never got the request in Telegram");
  expect((await postUpdate(bot().stack.apiUrl, callbackUpdate(fromUserId, data, ownerTelegramId))).status).toBe(200);
}

describe("payment confirmation through the real stack", () => {
  it("an agent asks, the owner approves in chat, the agent signs and the signature verifies", async () => {
    const { telegramUserId, client, identity } = await ownerWithKey({ require_approval: true });
    const digest = randomDigest();
    const signing = client.signDigest(identity.id, digest, { payment: { amount_sats: 42_000, destination: ALICE, memo: "invoice 7" }, timeoutSeconds: 30 });
    await press(telegramUserId, "approve");
    const signature = await signing;
    expect(verifySchnorr(identity.public_key, digest, signature)).toBe(true);
  });

  it("a denied request never gets a ticket", async () => {
    const { telegramUserId, client, identity } = await ownerWithKey({ require_approval: true });
    const signing = client.signDigest(identity.id, randomDigest(), { payment: { amount_sats: 1000, destination: BOB }, timeoutSeconds: 30 }).catch((e: unknown) => e);
    await press(telegramUserId, "deny");
    const error = await signing;
    expect(error).toBeInstanceOf(ClwApiError);
    expect(error).toMatchObject({ status: 403, code: "policy_denied" });
  });

  it("a callback from another Telegram user approves nothing", async () => {
    const { telegramUserId, client, identity } = await ownerWithKey({ require_approval: true });
    const intent = await client.signIntent(identity.id, randomDigest(), { amount_sats: 1000, destination: ALICE });
    await press(telegramUserId, "approve", telegramUserId + 1);
    expect((await client.getSignIntent(intent.id)).status).toBe("pending_approval");
  });

  it("a declared payment within the auto-approve amount still waits for the owner; one outside the allowlist is refused", async () => {
    // A raw digest's declared payment is the requester's claim: it never auto-approves (only a
    // PSBT, whose outputs are decoded, can), but it can make things stricter.
    const { client, identity } = await ownerWithKey({ require_approval: true, auto_approve_max_sats: 5000, allowed_destinations: [ALICE] });
    const asked = await client.signIntent(identity.id, randomDigest(), { amount_sats: 5000, destination: ALICE });
    expect(asked).toMatchObject({ status: "pending_approval" });
    expect(asked).not.toHaveProperty("ticket");
    const refused = await client.signIntent(identity.id, randomDigest(), { amount_sats: 10, destination: BOB }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 403, code: "policy_denied" });
  });

  it("a daily limit sends raw digests to the owner unless the policy itself allows them", async () => {
    const { client, identity } = await ownerWithKey({ daily_limit_sats: 10_000 });
    expect(await client.getPolicy(identity.id)).toMatchObject({ daily_limit_sats: 10_000, raw_digests: "approval" });
    expect(await client.signIntent(identity.id, randomDigest(), { amount_sats: 3000, destination: ALICE })).toMatchObject({ status: "pending_approval" });
  });

  it("concurrent declared payments never overspend the daily limit", async () => {
    const { client, identity } = await ownerWithKey({ daily_limit_sats: 10_000, raw_digests: "allow" });
    const answers = await Promise.allSettled(
      Array.from({ length: 8 }, () => client.signIntent(identity.id, randomDigest(), { amount_sats: 3000, destination: ALICE })),
    );
    expect(answers.filter((a) => a.status === "fulfilled").map((a) => "ticket" in (a as PromiseFulfilledResult<object>).value)).toEqual([true, true, true]);
    expect(answers.filter((a) => a.status === "rejected").every((a) => (a as PromiseRejectedResult).reason.code === "policy_denied")).toBe(true);
  });
});
