import { sign } from "@telegram-apps/init-data-node";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DARK_THEME, launchBrowser, screenshot, startApp, telegramLaunchHash, type AppUnderTest } from "./support.js";

const BOT_TOKEN = "7000000001:AAHtest_token_for_the_miniapp_e2e_run";
const FOREIGN_TOKEN = "7000000002:AAHsomebody_elses_bot_token_entirely";

/** Init data as the Telegram client would hand it to the Mini App, signed with `token`. */
function initData(telegramUserId: number, token = BOT_TOKEN, authDate = new Date()): string {
  return sign(
    { user: { id: telegramUserId, first_name: "Ada", username: "ada_l", language_code: "en" }, chat_type: "private", chat_instance: "8428209589180549439" },
    token,
    authDate,
  );
}

/** The Mini App methods the page asked of (mocked) Telegram. */
async function telegramCalls(page: Page): Promise<[string, any][]> {
  return page.evaluate(() => (window as unknown as { __tgEvents: [string, unknown][] }).__tgEvents);
}

/** What Telegram's client does when the user taps a native button. */
async function press(page: Page, eventType: "main_button_pressed" | "back_button_pressed") {
  await page.evaluate((type) => {
    window.dispatchEvent(new MessageEvent("message", { data: JSON.stringify({ eventType: type }), source: window.parent }));
  }, eventType);
}

// The Mini App path: a mocked Telegram client hands the page init data signed with the bot token.
describe("the Mini App inside (mocked) Telegram", () => {
  let app: AppUnderTest;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    app = await startApp({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_BOT_USERNAME: "clw_test_bot" });
    browser = await launchBrowser();
  });
  // Each launch is a fresh webview: its own tab, so no session or launch params carry over.
  beforeEach(async () => {
    page = await browser.context.newPage();
  });
  afterEach(async () => {
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("signs in with genuine init data, shows the owner's keys, and drives the native buttons", async () => {
    const telegramUserId = 5_100_001;
    // The owner already has a key (made through the API with the same kind of sign-in).
    const session = await fetch(`${app.stack.apiUrl}/v1/auth/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ init_data: initData(telegramUserId) }),
    }).then((res) => res.json() as Promise<{ token: string }>);
    const identity = await fetch(`${app.stack.apiUrl}/v1/identities`, { method: "POST", headers: { authorization: `Bearer ${session.token}` } }).then(
      (res) => res.json() as Promise<{ id: string; public_key: string }>,
    );

    await page.goto(`${app.appUrl}/${telegramLaunchHash(initData(telegramUserId), DARK_THEME)}`);
    await page.getByRole("heading", { name: "Your keys" }).waitFor();
    await page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.host)).toBe("telegram");
    // Theme colours reach the page as CSS variables.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--tg-theme-bg-color").trim())).toBe("#17212b");
    // The primary action is Telegram's MainButton, not an in-page button.
    await expect.poll(async () => (await telegramCalls(page)).some(([m, p]) => m === "web_app_setup_main_button" && p?.text === "Create a key" && p?.is_visible)).toBe(true);
    expect(await page.getByRole("button", { name: "Create a key" }).count()).toBe(0);
    await screenshot(page, "telegram-1-keys-dark");

    // Opening a key shows the BackButton; Telegram's back press returns to the list.
    await page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    await page.getByTestId("address").waitFor();
    await expect.poll(async () => (await telegramCalls(page)).some(([m, p]) => m === "web_app_setup_back_button" && p?.is_visible === true)).toBe(true);
    await screenshot(page, "telegram-2-key-dark");
    await press(page, "back_button_pressed");
    await page.getByRole("heading", { name: "Your keys" }).waitFor();

    // The MainButton creates a key, with haptic feedback.
    await press(page, "main_button_pressed");
    await page.getByTestId("address").waitFor();
    expect((await telegramCalls(page)).some(([m]) => m === "web_app_trigger_haptic_feedback")).toBe(true);
    await press(page, "back_button_pressed");
    await expect.poll(() => page.getByRole("list", { name: "Keys" }).getByRole("listitem").count()).toBe(2);

    await page.getByRole("button", { name: "Activity" }).click();
    await page.getByText("Created your clw.cash account").waitFor();
    expect(await page.getByText("in the Mini App").count()).toBeGreaterThan(0);
    await screenshot(page, "telegram-3-activity-dark");
  });

  it("in a plain browser, offers the bot's deep link as a button and a QR code and waits for approval", async () => {
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(app.appUrl);
    await page.getByRole("button", { name: "Sign in with Telegram" }).click();
    const link = page.getByRole("link", { name: "Open Telegram" });
    await link.waitFor();
    expect(await link.getAttribute("href")).toMatch(/^https:\/\/t\.me\/clw_test_bot\?start=[A-Za-z0-9_-]+$/);
    await page.getByRole("img", { name: "QR code of the Telegram sign-in link" }).waitFor();
    await page.getByText("Waiting for you to approve in Telegram…").waitFor();
    await page.getByText(/^\d{3} \d{3}$/).waitFor();
    await screenshot(page, "browser-10-deep-link-qr");
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Sign in with Telegram" }).waitFor();
  });

  it("refuses init data signed with another bot's token, with a clear message", async () => {
    await page.goto(`${app.appUrl}/${telegramLaunchHash(initData(5_100_002, FOREIGN_TOKEN), DARK_THEME)}`);
    await page.getByText("Telegram sign-in was refused").waitFor();
    await page.getByText(/not valid for this bot/).waitFor();
    await page.getByRole("button", { name: "Try again" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("clw.session"))).toBeNull();
    await screenshot(page, "telegram-4-forged-refused");
  });

  it("refuses tampered init data (user swapped after signing)", async () => {
    const params = new URLSearchParams(initData(5_100_003));
    params.set("user", JSON.stringify({ id: 5_100_004, first_name: "Mallory" }));
    await page.goto(`${app.appUrl}/${telegramLaunchHash(params.toString(), DARK_THEME)}`);
    await page.getByText("Telegram sign-in was refused").waitFor();
  });

  it("refuses stale init data and says how to get fresh", async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    await page.goto(`${app.appUrl}/${telegramLaunchHash(initData(5_100_005, BOT_TOKEN, twoHoursAgo), DARK_THEME)}`);
    await page.getByText(/has expired/).waitFor();
    await page.getByText(/open it again from the bot/).waitFor();
  });
});
