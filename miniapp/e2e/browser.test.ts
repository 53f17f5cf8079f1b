import { p2trAddress } from "@clw/shared";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, startApp, type AppUnderTest } from "./support.js";

// The pay.clw.cash path in a plain browser, against the real stack in test mode.
describe("pay.clw.cash in a browser (test mode)", () => {
  let app: AppUnderTest;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser({ width: 1100, height: 800 });
  });
  // A fresh tab per test: its own sessionStorage, so no session carries over.
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

  async function signInAs(telegramUserId: number) {
    await page.goto(app.appUrl);
    await page.getByRole("button", { name: "Sign in with Telegram" }).click();
    await page.getByLabel("Telegram user id").fill(String(telegramUserId));
    await page.getByRole("button", { name: "Test sign-in" }).click();
    await page.getByRole("heading", { name: "Your keys" }).waitFor();
  }

  it("signs in, creates a key, shows its Taproot address, destroys it, and signs out", async () => {
    await page.goto(app.appUrl);
    await screenshot(page, "browser-1-sign-in");
    await page.getByRole("button", { name: "Sign in with Telegram" }).click();
    await page.getByText("Test mode.").waitFor();
    await screenshot(page, "browser-2-test-mode");
    await page.getByLabel("Telegram user id").fill("4242001");
    await page.getByRole("button", { name: "Test sign-in" }).click();
    await page.getByText("No keys yet.").waitFor();
    await screenshot(page, "browser-3-no-keys");

    await page.getByRole("button", { name: "Create a key" }).click();
    const shownAddress = await page.getByTestId("address").textContent();
    const publicKey = await page.getByTestId("public-key").textContent();
    expect(publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(shownAddress).toBe(p2trAddress(publicKey!));
    expect(shownAddress).toMatch(/^bc1p/);
    await expect(page.getByRole("img", { name: /QR code of the address/ }).count()).resolves.toBe(1);
    await screenshot(page, "browser-4-key");
    await page.getByRole("button", { name: "Testnet" }).click();
    await expect(page.getByTestId("address").textContent()).resolves.toBe(p2trAddress(publicKey!, "testnet"));

    await page.getByRole("button", { name: "← Back" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Keys" }).getByRole("listitem").count()).toBe(1);
    await screenshot(page, "browser-5-keys");

    await page.getByRole("button", { name: "Activity" }).click();
    await page.getByText(`Created key ${publicKey!.slice(2, 10)}…`).waitFor();
    await screenshot(page, "browser-6-activity");

    await page.getByRole("button", { name: "Keys" }).click();
    await page.getByRole("list", { name: "Keys" }).getByRole("button").first().click();
    await page.getByRole("button", { name: "Destroy key…" }).click();
    await page.getByText("This cannot be undone").waitFor();
    await screenshot(page, "browser-7-destroy-confirm");
    await page.getByRole("button", { name: "Yes, destroy it" }).click();
    await page.getByText("No keys yet.").waitFor();

    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem("clw.session") ?? "null")?.token as string);
    expect(token).toBeTruthy();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("clw.session"))).toBeNull();
    const after = await fetch(`${app.stack.apiUrl}/v1/identities`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it("keeps the session in the tab only, and sends an ended session back to sign-in with a reason", async () => {
    await signInAs(4242002);
    await page.reload();
    await page.getByRole("heading", { name: "Your keys" }).waitFor();
    // Another tab does not share it (sessionStorage, not localStorage).
    const otherTab = await browser.context.newPage();
    await otherTab.goto(app.appUrl);
    await otherTab.getByRole("button", { name: "Sign in with Telegram" }).waitFor();
    await otherTab.close();
    // Revoke the session behind the app's back, as another device signing it out would.
    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem("clw.session")!).token as string);
    await fetch(`${app.stack.apiUrl}/v1/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    await page.getByRole("button", { name: "Activity" }).click();
    await page.getByText("Your session has ended. Sign in again to continue.").waitFor();
    await page.getByRole("button", { name: "Sign in with Telegram" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("clw.session"))).toBeNull();
    await screenshot(page, "browser-8-session-ended");
  });

  it("says so, with a way forward, when the API cannot be reached", async () => {
    await page.goto(app.appUrl);
    await page.route(`${app.stack.apiUrl}/**`, (route) => route.abort("connectionrefused"));
    await page.getByRole("button", { name: "Sign in with Telegram" }).click();
    await page.getByText("Can't reach the clw.cash service").waitFor();
    await screenshot(page, "browser-9-api-down");
    await page.unroute(`${app.stack.apiUrl}/**`);
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByText("Test mode.").waitFor();
  });
});
