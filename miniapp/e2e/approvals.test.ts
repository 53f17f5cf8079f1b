import { randomBytes, randomInt } from "node:crypto";
import { createClient, isPendingIntent, verifySchnorr, type ClwClient, type Identity, type Policy } from "@clw/shared";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { pressInChat, waitForBotMessage } from "./chat.js";
import { DARK_THEME, mainButtonShows, pressTelegramButton, screenshot, signedInitData, telegramCalls, telegramLaunchHash, useAppWithBot } from "./support.js";

const BOT_TOKEN = "7000000003:AAHtest_token_for_the_approvals_e2e_run";
const FOREIGN_TOKEN = "7000000002:AAHsomebody_elses_bot_token_entirely";
const WEBHOOK_SECRET = "miniapp-e2e-webhook-secret-0123456";
const BOT = "clw_test_bot";
const ALICE = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const NO_POLICY: Policy = { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, max_fee_sats: null, raw_digests: "allow", allow_unsafe_sighash: false };

/** Init data of a launch; with `startParam`, a launch from that request's Review button. */
const initData = (telegramUserId: number, token = BOT_TOKEN, startParam?: string) => signedInitData(telegramUserId, token, { startParam });
const pressMainButton = (page: Page) => pressTelegramButton(page, "main_button_pressed");


describe("payment and signing approval in the Mini App", () => {
  const t = useAppWithBot({ token: BOT_TOKEN, username: BOT, webhookSecret: WEBHOOK_SECRET });

  /** An owner (Telegram user) with a key and `policy`; the client doubles as their agent. */
  async function owner(policy: Partial<Policy> = { require_approval: true }) {
    const telegramUserId = randomInt(1e6, 1e9);
    const client = createClient({ baseUrl: t.app.stack.apiUrl });
    const session = await client.authWithTelegram(initData(telegramUserId));
    const identity = await client.createIdentity();
    await client.setPolicy(identity.id, { ...NO_POLICY, ...policy });
    return { telegramUserId, client, session, identity };
  }

  /** The agent asks to pay; the owner's policy makes it wait. */
  async function ask(client: ClwClient, identity: Identity, payment?: { amount_sats: number; destination: string; memo?: string }) {
    const digest = randomBytes(32).toString("hex");
    const intent = await client.signIntent(identity.id, digest, payment);
    if (!isPendingIntent(intent)) throw new Error("expected the request to wait for approval");
    expect(intent.approval_url).toMatch(new RegExp(`/#/requests/${intent.id}$`));
    return { digest, intent };
  }

  /** Opens the app the way a browser tab that already signed in would (the session in sessionStorage). */
  async function withStoredSession(session: { token: string; expires_in: number; user: unknown }, bot?: string) {
    const stored = { token: session.token, user: session.user, expiresAt: Date.now() + session.expires_in * 1000, via: "browser", ...(bot ? { bot } : {}) };
    await t.page.addInitScript((value) => sessionStorage.setItem("clw.session", value), JSON.stringify(stored));
  }

  it("inside Telegram, the start param opens the request; the MainButton approves and the agent signs", async () => {
    const { telegramUserId, client, identity } = await owner();
    const { digest, intent } = await ask(client, identity, { amount_sats: 42_000, destination: ALICE, memo: "invoice 7" });

    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(initData(telegramUserId, BOT_TOKEN, intent.id), DARK_THEME, intent.id)}`);
    await t.page.getByTestId("amount").filter({ hasText: "42,000 sats" }).waitFor();
    // A raw digest: its content can't be checked, and the payment beside it is only a claim.
    await t.page.getByTestId("raw-digest").getByText("Its content can't be checked.").waitFor();
    await t.page.getByTestId("declared-payment").getByText("Declared by the requester, not verified").waitFor();
    expect(await t.page.getByTestId("amount-btc").textContent()).toBe("0.00042 BTC");
    expect(await t.page.getByTestId("destination").textContent()).toBe(ALICE);
    expect(await t.page.getByTestId("memo").textContent()).toBe("invoice 7");
    expect(await t.page.getByTestId("countdown").textContent()).toMatch(/^Expires in \d+:\d\d$/);
    await mainButtonShows(t.page, "Approve");
    await t.page.getByRole("button", { name: "Deny" }).waitFor();
    await screenshot(t.page, "approval-1-request-telegram-dark");

    await pressMainButton(t.page);
    await t.page.getByTestId("outcome").filter({ hasText: "Approved" }).waitFor();
    const haptics = (await telegramCalls(t.page)).filter(([m]) => m === "web_app_trigger_haptic_feedback").map(([, p]) => p?.notification_type);
    expect(haptics).toContain("success");
    await mainButtonShows(t.page, "Back to requests");
    await screenshot(t.page, "approval-2-approved-telegram-dark");

    const state = await client.getSignIntent(intent.id);
    expect(state).toMatchObject({ status: "approved", decided_via: "miniapp" });
    const signature = await client.sign(identity.id, digest, state.ticket!);
    expect(verifySchnorr(identity.public_key, digest, signature)).toBe(true);
  });

  it("inside Telegram, Deny denies, with a warning haptic, and no ticket is handed out", async () => {
    const { telegramUserId, client, identity } = await owner();
    const { intent } = await ask(client, identity, { amount_sats: 1000, destination: ALICE });
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(initData(telegramUserId, BOT_TOKEN, intent.id), DARK_THEME, intent.id)}`);
    await t.page.getByRole("button", { name: "Deny" }).click();
    await t.page.getByTestId("outcome").filter({ hasText: "Denied" }).waitFor();
    expect((await telegramCalls(t.page)).some(([m, p]) => m === "web_app_trigger_haptic_feedback" && p?.notification_type === "warning")).toBe(true);
    const state = await client.getSignIntent(intent.id);
    expect(state.status).toBe("denied");
    expect(state.ticket).toBeUndefined();
  });

  it("in a browser, shows the request, sends the owner to the chat, and follows the decision made there", async () => {
    await t.page.setViewportSize({ width: 1000, height: 900 });
    const { telegramUserId, client, session, identity } = await owner();
    const { intent } = await ask(client, identity, { amount_sats: 250_000, destination: ALICE, memo: "March hosting" });
    await withStoredSession(session, BOT);
    await t.page.goto(`${t.app.appUrl}/#/requests/${intent.id}`);
    await t.page.getByTestId("amount").filter({ hasText: "250,000 sats" }).waitFor();
    await t.page.getByRole("heading", { name: "Decide in Telegram" }).waitFor();
    expect(await t.page.getByRole("link", { name: `Open @${BOT} in Telegram` }).getAttribute("href")).toBe(`https://t.me/${BOT}`);
    expect(await t.page.getByRole("button", { name: "Approve" }).count()).toBe(0);
    await screenshot(t.page, "approval-3-request-browser");

    // The chat message the owner got carries the Approve button and a Review link to this t.page.
    const { buttons } = await waitForBotMessage(t.telegram, telegramUserId, (b) => b.callback_data === `intent:approve:${intent.id}`);
    expect(buttons.some((b) => b.url === `https://t.me/${BOT}?startapp=${intent.id}`)).toBe(true);
    await pressInChat(t.app.stack.apiUrl, WEBHOOK_SECRET, telegramUserId, `intent:approve:${intent.id}`);

    await t.page.getByTestId("outcome").filter({ hasText: "Approved" }).waitFor({ timeout: 30_000 });
    await t.page.getByText("Decided in the chat with the bot.").waitFor();
    await screenshot(t.page, "approval-4-approved-browser");
  });

  it("refuses forged init data with a clear message, sends the owner to the chat and leaves the request pending", async () => {
    const { telegramUserId, client, session, identity } = await owner();
    const { intent } = await ask(client, identity);
    await withStoredSession(session);
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(initData(telegramUserId, FOREIGN_TOKEN, intent.id), DARK_THEME, intent.id)}`);
    await t.page.getByTestId("no-payment").waitFor();
    await mainButtonShows(t.page, "Approve");
    await pressMainButton(t.page);
    await t.page.getByText("Telegram could not confirm it's you").waitFor();
    await t.page.getByText(/not valid for this bot/).waitFor();
    await t.page.getByTestId("decide-in-chat").waitFor();
    expect(await t.page.getByRole("button", { name: "Deny" }).count()).toBe(0);
    expect((await telegramCalls(t.page)).some(([m, p]) => m === "web_app_trigger_haptic_feedback" && p?.notification_type === "error")).toBe(true);
    expect((await client.getSignIntent(intent.id)).status).toBe("pending_approval");
    expect(await t.page.evaluate(() => sessionStorage.getItem("clw.session"))).not.toBeNull();
  });

  it("lists pending requests with a count on the tab, and one opened from the list is decided in the chat", async () => {
    const { telegramUserId, client, identity } = await owner();
    await ask(client, identity, { amount_sats: 5000, destination: ALICE });
    const { intent: digestOnly } = await ask(client, identity);
    // Opened from the menu (no start param): the launch proves nothing about either request.
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(initData(telegramUserId), DARK_THEME)}`);
    await t.page.getByRole("heading", { name: "Your keys" }).waitFor();
    await expect.poll(() => t.page.getByTestId("pending-count").textContent()).toBe("2");
    await t.page.getByRole("button", { name: /Requests/ }).click();
    const list = t.page.getByRole("list", { name: "Pending requests" });
    await list.getByText("5,000 sats to bc1qw508…v8f3t4 (declared)").waitFor();
    await screenshot(t.page, "approval-5-requests-dark");
    await list.getByText("Raw digest (content can't be checked)").click();
    await t.page.getByText("Its content can't be checked.").waitFor();
    expect(await t.page.getByTestId("digest-hash").textContent()).toMatch(/^[0-9a-f]{64}$/);
    await t.page.getByTestId("decide-in-chat").getByText("wasn't opened from this request's Review button").waitFor();
    expect(await t.page.getByRole("button", { name: "Deny" }).count()).toBe(0);
    expect((await telegramCalls(t.page)).some(([m, p]) => m === "web_app_setup_main_button" && p?.text === "Approve" && p?.is_visible)).toBe(false);
    expect((await client.getSignIntent(digestOnly.id)).status).toBe("pending_approval");
  });

  it("edits a key's policy, with validation, and offers approval when a key is created", async () => {
    await t.page.setViewportSize({ width: 900, height: 1000 });
    const { client, session, identity } = await owner({});
    await withStoredSession(session);
    await t.page.goto(t.app.appUrl);
    await t.page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    await t.page.getByTestId("open-policy").click();
    await t.page.getByRole("heading", { name: "Policy" }).waitFor();
    await t.page.getByTestId("require-approval").check();
    await t.page.locator("input[name=auto_approve_max_sats]").fill("5,000");
    await t.page.locator("input[name=daily_limit_sats]").fill("lots");
    await t.page.getByLabel("Bitcoin address to allow").fill("bc1qnotanaddress");
    await t.page.getByRole("button", { name: "Add", exact: true }).click();
    await t.page.getByText("That is not a valid Bitcoin address").waitFor();
    await t.page.getByLabel("Bitcoin address to allow").fill(ALICE);
    await t.page.getByRole("button", { name: "Add", exact: true }).click();
    await t.page.getByRole("list", { name: "Allowed destinations" }).getByText(ALICE).waitFor();
    await t.page.getByTestId("save-policy").click();
    await t.page.getByText("Enter a whole number of sats").waitFor();
    expect((await client.getPolicy(identity.id)).require_approval).toBe(false);
    await t.page.locator("input[name=daily_limit_sats]").fill("100 000");
    await t.page.locator("input[name=max_fee_sats]").fill("2,000");
    // A limit can't cap raw digests: adding one switches them to asking the owner.
    await t.page.getByTestId("raw-switched").waitFor();
    expect(await t.page.locator("input[name=raw_digests][value=approval]").isChecked()).toBe(true);
    await t.page.getByTestId("save-policy").click();
    await t.page.getByTestId("policy-outcome").getByText("Saved.").waitFor();
    expect(await client.getPolicy(identity.id)).toEqual({
      require_approval: true,
      auto_approve_max_sats: 5000,
      daily_limit_sats: 100_000,
      allowed_destinations: [ALICE],
      max_fee_sats: 2000,
      raw_digests: "approval",
      allow_unsafe_sighash: false,
    });
    await screenshot(t.page, "approval-6-policy-browser");

    // A key created here comes with the offer to require approval: one tap.
    await t.page.getByRole("button", { name: "← Back" }).click();
    await t.page.getByRole("button", { name: "← Back" }).click();
    await t.page.getByTestId("create-key").click();
    await t.page.getByTestId("turn-on-approval").click();
    await t.page.getByTestId("approval-on").waitFor();
    const created = (await client.listIdentities()).find((i) => i.id !== identity.id)!;
    expect((await client.getPolicy(created.id)).require_approval).toBe(true);
  });
});
