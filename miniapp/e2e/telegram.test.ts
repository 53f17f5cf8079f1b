import { describe, expect, it } from "vitest";
import { DARK_THEME, pressTelegramButton, screenshot, signedInitData, startApp, telegramCalls, telegramLaunchHash, useAppInBrowser } from "./support.js";

const BOT_TOKEN = "7000000001:AAHtest_token_for_the_miniapp_e2e_run";
const FOREIGN_TOKEN = "7000000002:AAHsomebody_elses_bot_token_entirely";

const initData = (telegramUserId: number, token = BOT_TOKEN, authDate = new Date()) => signedInitData(telegramUserId, token, { authDate });
const press = pressTelegramButton;

// The Mini App path: a mocked Telegram client hands the page init data signed with the bot token.
describe("the Mini App inside (mocked) Telegram", () => {
  const t = useAppInBrowser(() => startApp({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_BOT_USERNAME: "clw_test_bot" }));

  it("signs in with genuine init data, shows the owner's keys, and drives the native buttons", async () => {
    const telegramUserId = 5_100_001;
    // The owner already has a key (made through the API with the same kind of sign-in).
    const session = await fetch(`${t.app.stack.apiUrl}/v1/auth/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ init_data: initData(telegramUserId) }),
    }).then((res) => res.json() as Promise<{ token: string }>);
    const identity = await fetch(`${t.app.stack.apiUrl}/v1/identities`, { method: "POST", headers: { authorization: `Bearer ${session.token}` } }).then(
      (res) => res.json() as Promise<{ id: string; public_key: string }>,
    );

    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(initData(telegramUserId), DARK_THEME)}`);
    await t.page.getByRole("heading", { name: "Your keys" }).waitFor();
    await t.page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).waitFor();
    expect(await t.page.evaluate(() => document.documentElement.dataset.host)).toBe("telegram");
    // Theme colours reach the t.page as CSS variables.
    expect(await t.page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--tg-theme-bg-color").trim())).toBe("#17212b");
    // The primary action is Telegram's MainButton, not an in-t.page button.
    await expect.poll(async () => (await telegramCalls(t.page)).some(([m, p]) => m === "web_app_setup_main_button" && p?.text === "Create a key" && p?.is_visible)).toBe(true);
    expect(await t.page.getByRole("button", { name: "Create a key" }).count()).toBe(0);
    await screenshot(t.page, "telegram-1-keys-dark");

    // Opening a key shows the BackButton; Telegram's back press returns to the list.
    await t.page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    await t.page.getByTestId("address").waitFor();
    await expect.poll(async () => (await telegramCalls(t.page)).some(([m, p]) => m === "web_app_setup_back_button" && p?.is_visible === true)).toBe(true);
    await screenshot(t.page, "telegram-2-key-dark");
    await press(t.page, "back_button_pressed");
    await t.page.getByRole("heading", { name: "Your keys" }).waitFor();

    // The MainButton creates a key, with haptic feedback.
    await press(t.page, "main_button_pressed");
    await t.page.getByTestId("address").waitFor();
    expect((await telegramCalls(t.page)).some(([m]) => m === "web_app_trigger_haptic_feedback")).toBe(true);
    await press(t.page, "back_button_pressed");
    await expect.poll(() => t.page.getByRole("list", { name: "Keys" }).getByRole("listitem").count()).toBe(2);

    await t.page.getByRole("button", { name: "Activity" }).click();
    await t.page.getByText("Created your clw.cash account").waitFor();
    expect(await t.page.getByText("in the Mini App").count()).toBeGreaterThan(0);
    await screenshot(t.page, "telegram-3-activity-dark");
  });

  it("in a plain browser, offers the bot's deep link as a button and a QR code and waits for approval", async () => {
    await t.page.setViewportSize({ width: 1100, height: 900 });
    await t.page.goto(t.app.appUrl);
    await t.page.getByRole("button", { name: "Sign in with Telegram" }).click();
    const link = t.page.getByRole("link", { name: "Open Telegram" });
    await link.waitFor();
    expect(await link.getAttribute("href")).toMatch(/^https:\/\/t\.me\/clw_test_bot\?start=[A-Za-z0-9_-]+$/);
    await t.page.getByRole("img", { name: "QR code of the Telegram sign-in link" }).waitFor();
    await t.page.getByText("Waiting for you to approve in Telegram…").waitFor();
    await t.page.getByText(/^\d{3} \d{3}$/).waitFor();
    await screenshot(t.page, "browser-10-deep-link-qr");
    await t.page.getByRole("button", { name: "Cancel" }).click();
    await t.page.getByRole("button", { name: "Sign in with Telegram" }).waitFor();
  });

  it("refuses init data signed with another bot's token, with a clear message", async () => {
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(initData(5_100_002, FOREIGN_TOKEN), DARK_THEME)}`);
    await t.page.getByText("Telegram sign-in was refused").waitFor();
    await t.page.getByText(/not valid for this bot/).waitFor();
    expect(await t.page.evaluate(() => sessionStorage.getItem("clw.session"))).toBeNull();
    await screenshot(t.page, "telegram-4-forged-refused");
    // The same init data cannot succeed on a retry: the way forward is a fresh launch from the chat.
    expect(await t.page.getByRole("button", { name: "Try again" }).count()).toBe(0);
    await t.page.getByRole("button", { name: "Close the Mini App" }).click();
    await expect.poll(async () => (await telegramCalls(t.page)).some(([m]) => m === "web_app_close")).toBe(true);
  });

  it("keeps its session on a reload instead of signing in again with the same (single-use) init data", async () => {
    const telegramUserId = 5_100_006;
    const launch = `${t.app.appUrl}/${telegramLaunchHash(initData(telegramUserId), DARK_THEME)}`;
    await t.page.goto(launch);
    await t.page.getByRole("heading", { name: "Your keys" }).waitFor();
    const token = await t.page.evaluate(() => JSON.parse(sessionStorage.getItem("clw.session")!).token as string);
    await t.page.reload();
    await t.page.getByRole("heading", { name: "Your keys" }).waitFor();
    expect(await t.page.evaluate(() => JSON.parse(sessionStorage.getItem("clw.session")!).token as string)).toBe(token);

    // Once that session is gone (here: signed out), the launch's init data cannot sign in again.
    await t.page.getByRole("button", { name: "Sign out" }).click();
    // Reload only once the sign-out has finished: reloading mid-request would keep the session.
    await expect.poll(() => t.page.evaluate(() => sessionStorage.getItem("clw.session"))).toBeNull();
    await t.page.reload();
    await t.page.getByText("This launch already signed in once").waitFor();
    await t.page.getByRole("button", { name: "Close the Mini App" }).waitFor();
    await screenshot(t.page, "telegram-5-launch-used");
  });

  it("refuses tampered init data (user swapped after signing)", async () => {
    const params = new URLSearchParams(initData(5_100_003));
    params.set("user", JSON.stringify({ id: 5_100_004, first_name: "Mallory" }));
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(params.toString(), DARK_THEME)}`);
    await t.page.getByText("Telegram sign-in was refused").waitFor();
  });

  it("refuses stale init data and says how to get fresh", async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(initData(5_100_005, BOT_TOKEN, twoHoursAgo), DARK_THEME)}`);
    await t.page.getByText(/has expired/).waitFor();
    await t.page.getByText(/open it again from the bot/).waitFor();
  });
});
