import { randomBytes, randomInt } from "node:crypto";
import { createClient, isPendingIntent, verifySchnorr, type ClwClient, type Identity, type Policy } from "@clw/shared";
import { sign } from "@telegram-apps/init-data-node";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../../worker/stack/fake-telegram.js";
import { DARK_THEME, launchBrowser, screenshot, startApp, telegramLaunchHash, type AppUnderTest } from "./support.js";

const BOT_TOKEN = "7000000003:AAHtest_token_for_the_approvals_e2e_run";
const FOREIGN_TOKEN = "7000000002:AAHsomebody_elses_bot_token_entirely";
const WEBHOOK_SECRET = "miniapp-e2e-webhook-secret-0123456";
const BOT = "clw_test_bot";
const ALICE = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const NO_POLICY: Policy = { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null };

function initData(telegramUserId: number, token = BOT_TOKEN): string {
  return sign({ user: { id: telegramUserId, first_name: "Ada", username: "ada_l", language_code: "en" }, chat_type: "private", chat_instance: "8428209589180549439" }, token, new Date());
}

async function telegramCalls(page: Page): Promise<[string, any][]> {
  return page.evaluate(() => (window as unknown as { __tgEvents: [string, unknown][] }).__tgEvents);
}

async function pressMainButton(page: Page) {
  await page.evaluate(() => window.dispatchEvent(new MessageEvent("message", { data: JSON.stringify({ eventType: "main_button_pressed" }), source: window.parent })));
}

const mainButtonShows = async (page: Page, text: string) =>
  expect.poll(async () => (await telegramCalls(page)).some(([m, p]) => m === "web_app_setup_main_button" && p?.text === text && p?.is_visible)).toBe(true);

describe("payment and signing approval in the Mini App", () => {
  let telegram: FakeTelegram;
  let app: AppUnderTest;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    telegram = await startFakeTelegram(BOT_TOKEN);
    app = await startApp({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_BOT_USERNAME: BOT, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET });
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    page = await browser.context.newPage();
  });
  afterEach(async () => {
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await telegram?.close();
  });

  /** An owner (Telegram user) with a key and `policy`; the client doubles as their agent. */
  async function owner(policy: Partial<Policy> = { require_approval: true }) {
    const telegramUserId = randomInt(1e6, 1e9);
    const client = createClient({ baseUrl: app.stack.apiUrl });
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
    await page.addInitScript((value) => sessionStorage.setItem("clw.session", value), JSON.stringify(stored));
  }

  it("inside Telegram, the start param opens the request; the MainButton approves and the agent signs", async () => {
    const { telegramUserId, client, identity } = await owner();
    const { digest, intent } = await ask(client, identity, { amount_sats: 42_000, destination: ALICE, memo: "invoice 7" });

    await page.goto(`${app.appUrl}/${telegramLaunchHash(initData(telegramUserId), DARK_THEME, intent.id)}`);
    await page.getByTestId("amount").filter({ hasText: "42,000 sats" }).waitFor();
    expect(await page.getByTestId("amount-btc").textContent()).toBe("0.00042 BTC");
    expect(await page.getByTestId("destination").textContent()).toBe(ALICE);
    expect(await page.getByTestId("memo").textContent()).toBe("invoice 7");
    expect(await page.getByTestId("countdown").textContent()).toMatch(/^Expires in \d+:\d\d$/);
    await mainButtonShows(page, "Approve");
    await page.getByRole("button", { name: "Deny" }).waitFor();
    await screenshot(page, "approval-1-request-telegram-dark");

    await pressMainButton(page);
    await page.getByTestId("outcome").filter({ hasText: "Approved" }).waitFor();
    const haptics = (await telegramCalls(page)).filter(([m]) => m === "web_app_trigger_haptic_feedback").map(([, p]) => p?.notification_type);
    expect(haptics).toContain("success");
    await mainButtonShows(page, "Back to requests");
    await screenshot(page, "approval-2-approved-telegram-dark");

    const state = await client.getSignIntent(intent.id);
    expect(state).toMatchObject({ status: "approved", decided_via: "miniapp" });
    const signature = await client.sign(identity.id, digest, state.ticket!);
    expect(verifySchnorr(identity.public_key, digest, signature)).toBe(true);
  });

  it("inside Telegram, Deny denies, with a warning haptic, and no ticket is handed out", async () => {
    const { telegramUserId, client, identity } = await owner();
    const { intent } = await ask(client, identity, { amount_sats: 1000, destination: ALICE });
    await page.goto(`${app.appUrl}/${telegramLaunchHash(initData(telegramUserId), DARK_THEME, intent.id)}`);
    await page.getByRole("button", { name: "Deny" }).click();
    await page.getByTestId("outcome").filter({ hasText: "Denied" }).waitFor();
    expect((await telegramCalls(page)).some(([m, p]) => m === "web_app_trigger_haptic_feedback" && p?.notification_type === "warning")).toBe(true);
    const state = await client.getSignIntent(intent.id);
    expect(state.status).toBe("denied");
    expect(state.ticket).toBeUndefined();
  });

  it("in a browser, shows the request, sends the owner to the chat, and follows the decision made there", async () => {
    await page.setViewportSize({ width: 1000, height: 900 });
    const { telegramUserId, client, session, identity } = await owner();
    const { intent } = await ask(client, identity, { amount_sats: 250_000, destination: ALICE, memo: "March hosting" });
    await withStoredSession(session, BOT);
    await page.goto(`${app.appUrl}/#/requests/${intent.id}`);
    await page.getByTestId("amount").filter({ hasText: "250,000 sats" }).waitFor();
    await page.getByRole("heading", { name: "Decide in Telegram" }).waitFor();
    expect(await page.getByRole("link", { name: `Open @${BOT} in Telegram` }).getAttribute("href")).toBe(`https://t.me/${BOT}`);
    expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(0);
    await screenshot(page, "approval-3-request-browser");

    // The chat message the owner got carries the Approve button and a Review link to this page.
    const message = await waitForRequestMessage(telegram, telegramUserId);
    const buttons = message.inline_keyboard.flat();
    expect(buttons.some((b) => b.url === `https://t.me/${BOT}?startapp=${intent.id}`)).toBe(true);
    await pressInChat(app.stack.apiUrl, telegramUserId, buttons.find((b) => b.callback_data === `intent:approve:${intent.id}`)!.callback_data!);

    await page.getByTestId("outcome").filter({ hasText: "Approved" }).waitFor({ timeout: 30_000 });
    await page.getByText("Decided in the chat with the bot.").waitFor();
    await screenshot(page, "approval-4-approved-browser");
  });

  it("refuses forged init data with a clear message and leaves the request pending", async () => {
    const { telegramUserId, client, session, identity } = await owner();
    const { intent } = await ask(client, identity);
    await withStoredSession(session);
    await page.goto(`${app.appUrl}/${telegramLaunchHash(initData(telegramUserId, FOREIGN_TOKEN), DARK_THEME, intent.id)}`);
    await page.getByTestId("no-payment").waitFor();
    await mainButtonShows(page, "Approve");
    await pressMainButton(page);
    await page.getByText("Telegram could not confirm it's you").waitFor();
    await page.getByText(/not valid for this bot/).waitFor();
    expect((await telegramCalls(page)).some(([m, p]) => m === "web_app_trigger_haptic_feedback" && p?.notification_type === "error")).toBe(true);
    expect((await client.getSignIntent(intent.id)).status).toBe("pending_approval");
    expect(await page.evaluate(() => sessionStorage.getItem("clw.session"))).not.toBeNull();
  });

  it("lists pending requests with a count on the tab and opens one", async () => {
    const { telegramUserId, client, identity } = await owner();
    await ask(client, identity, { amount_sats: 5000, destination: ALICE });
    const { intent: digestOnly } = await ask(client, identity);
    await page.goto(`${app.appUrl}/${telegramLaunchHash(initData(telegramUserId), DARK_THEME)}`);
    await page.getByRole("heading", { name: "Your keys" }).waitFor();
    await expect.poll(() => page.getByTestId("pending-count").textContent()).toBe("2");
    await page.getByRole("button", { name: /Requests/ }).click();
    const list = page.getByRole("list", { name: "Pending requests" });
    await list.getByText("5,000 sats to bc1qw508…v8f3t4").waitFor();
    await screenshot(page, "approval-5-requests-dark");
    await list.getByText("Sign a digest (no payment details)").click();
    await page.getByText("This request signs a digest without payment details").waitFor();
    expect(await page.getByTestId("digest-hash").textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect((await client.getSignIntent(digestOnly.id)).status).toBe("pending_approval");
  });

  it("edits a key's policy, with validation, and offers approval when a key is created", async () => {
    await page.setViewportSize({ width: 900, height: 1000 });
    const { client, session, identity } = await owner({});
    await withStoredSession(session);
    await page.goto(app.appUrl);
    await page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    await page.getByTestId("open-policy").click();
    await page.getByRole("heading", { name: "Policy" }).waitFor();
    await page.getByTestId("require-approval").check();
    await page.locator("input[name=auto_approve_max_sats]").fill("5,000");
    await page.locator("input[name=daily_limit_sats]").fill("lots");
    await page.getByLabel("Bitcoin address to allow").fill("bc1qnotanaddress");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByText("That is not a valid Bitcoin address").waitFor();
    await page.getByLabel("Bitcoin address to allow").fill(ALICE);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("list", { name: "Allowed destinations" }).getByText(ALICE).waitFor();
    await page.getByTestId("save-policy").click();
    await page.getByText("Enter a whole number of sats").waitFor();
    expect((await client.getPolicy(identity.id)).require_approval).toBe(false);
    await page.locator("input[name=daily_limit_sats]").fill("100 000");
    await page.getByTestId("save-policy").click();
    await page.getByText("Saved.").waitFor();
    expect(await client.getPolicy(identity.id)).toEqual({ require_approval: true, auto_approve_max_sats: 5000, daily_limit_sats: 100_000, allowed_destinations: [ALICE] });
    await screenshot(page, "approval-6-policy-browser");

    // A key created here comes with the offer to require approval: one tap.
    await page.getByRole("button", { name: "← Back" }).click();
    await page.getByRole("button", { name: "← Back" }).click();
    await page.getByTestId("create-key").click();
    await page.getByTestId("turn-on-approval").click();
    await page.getByTestId("approval-on").waitFor();
    const created = (await client.listIdentities()).find((i) => i.id !== identity.id)!;
    expect((await client.getPolicy(created.id)).require_approval).toBe(true);
  });
});

type Button = { text: string; url?: string; callback_data?: string };

/** The bot's message about a request, as the fake Bot API received it. */
async function waitForRequestMessage(telegram: FakeTelegram, chatId: number): Promise<{ inline_keyboard: Button[][] }> {
  for (let i = 0; i < 100; i++) {
    const sent = telegram.calls().filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === chatId).at(-1);
    const markup = sent?.payload.reply_markup as { inline_keyboard?: Button[][] } | undefined;
    if (markup?.inline_keyboard) return { inline_keyboard: markup.inline_keyboard };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the owner never got the request in Telegram");
}

/** The owner presses a button of that message: Telegram delivers the callback to the webhook. */
async function pressInChat(apiUrl: string, telegramUserId: number, data: string) {
  const chat = { id: telegramUserId, type: "private", first_name: "Ada" };
  const update = {
    update_id: randomInt(1, 2 ** 31),
    callback_query: { id: `cb-${randomInt(1e9)}`, from: { id: telegramUserId, is_bot: false, first_name: "Ada" }, chat_instance: "ci", data, message: { message_id: 1, date: 0, chat, text: "…" } },
  };
  const res = await fetch(`${apiUrl}/telegram-webhook`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET }, body: JSON.stringify(update) });
  expect(res.status).toBe(200);
}
