import { p2trAddress } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { screenshot, startApp, useAppInBrowser } from "./support.js";

// The pay.clw.cash path in a plain browser, against the real stack in test mode.
describe("pay.clw.cash in a browser (test mode)", () => {
  const t = useAppInBrowser(() => startApp(), { width: 1100, height: 800 });

  async function signInAs(telegramUserId: number) {
    await t.page.goto(t.app.appUrl);
    await t.page.getByRole("button", { name: "Sign in with Telegram" }).click();
    await t.page.getByLabel("Telegram user id").fill(String(telegramUserId));
    await t.page.getByRole("button", { name: "Test sign-in" }).click();
    await t.page.getByRole("heading", { name: "Your keys" }).waitFor();
  }

  it("signs in, creates a key, shows its Taproot address, destroys it, and signs out", async () => {
    await t.page.goto(t.app.appUrl);
    await screenshot(t.page, "browser-1-sign-in");
    await t.page.getByRole("button", { name: "Sign in with Telegram" }).click();
    await t.page.getByText("Test mode.").waitFor();
    await screenshot(t.page, "browser-2-test-mode");
    await t.page.getByLabel("Telegram user id").fill("4242001");
    await t.page.getByRole("button", { name: "Test sign-in" }).click();
    await t.page.getByText("No keys yet.").waitFor();
    await screenshot(t.page, "browser-3-no-keys");

    await t.page.getByRole("button", { name: "Create a key" }).click();
    const shownAddress = await t.page.getByTestId("address").textContent();
    const publicKey = await t.page.getByTestId("public-key").textContent();
    expect(publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(shownAddress).toBe(p2trAddress(publicKey!));
    expect(shownAddress).toMatch(/^bc1p/);
    await expect(t.page.getByRole("img", { name: /QR code of the address/ }).count()).resolves.toBe(1);
    // The network is the build's (VITE_BITCOIN_NETWORK, mainnet here), not a choice on the page.
    expect(await t.page.getByTestId("network").textContent()).toBe("Bitcoin mainnet");
    await t.page.getByTestId("spendable").getByText(/can be spent/).waitFor();
    await screenshot(t.page, "browser-4-key");

    await t.page.getByRole("button", { name: "← Back" }).click();
    await expect.poll(() => t.page.getByRole("list", { name: "Keys" }).getByRole("listitem").count()).toBe(1);
    await screenshot(t.page, "browser-5-keys");

    await t.page.getByRole("button", { name: "Activity" }).click();
    await t.page.getByText(`Created key ${publicKey!.slice(2, 10)}…`).waitFor();
    await screenshot(t.page, "browser-6-activity");

    await t.page.getByRole("button", { name: "Keys" }).click();
    await t.page.getByRole("list", { name: "Keys" }).getByRole("button").first().click();
    await t.page.getByRole("button", { name: "Destroy key…" }).click();
    await t.page.getByText("This cannot be undone").waitFor();
    await screenshot(t.page, "browser-7-destroy-confirm");
    await t.page.getByRole("button", { name: "Yes, destroy it" }).click();
    await t.page.getByText("No keys yet.").waitFor();

    const token = await t.page.evaluate(() => JSON.parse(sessionStorage.getItem("clw.session") ?? "null")?.token as string);
    expect(token).toBeTruthy();
    await t.page.getByRole("button", { name: "Sign out" }).click();
    await t.page.getByText("You are signed out.").waitFor();
    expect(await t.page.evaluate(() => sessionStorage.getItem("clw.session"))).toBeNull();
    const after = await fetch(`${t.app.stack.apiUrl}/v1/identities`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it("keeps the session in the tab only, and sends an ended session back to sign-in with a reason", async () => {
    await signInAs(4242002);
    await t.page.reload();
    await t.page.getByRole("heading", { name: "Your keys" }).waitFor();
    // Another tab does not share it (sessionStorage, not localStorage).
    const otherTab = await t.page.context().newPage();
    await otherTab.goto(t.app.appUrl);
    await otherTab.getByRole("button", { name: "Sign in with Telegram" }).waitFor();
    await otherTab.close();
    // Revoke the session behind the app's back, as another device signing it out would.
    const token = await t.page.evaluate(() => JSON.parse(sessionStorage.getItem("clw.session")!).token as string);
    await fetch(`${t.app.stack.apiUrl}/v1/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    await t.page.getByRole("button", { name: "Activity" }).click();
    await t.page.getByText("Your session has ended. Sign in again to continue.").waitFor();
    await t.page.getByRole("button", { name: "Sign in with Telegram" }).waitFor();
    expect(await t.page.evaluate(() => sessionStorage.getItem("clw.session"))).toBeNull();
    await screenshot(t.page, "browser-8-session-ended");
  });

  it("says so, with a way forward, when the API cannot be reached", async () => {
    await t.page.goto(t.app.appUrl);
    await t.page.route(`${t.app.stack.apiUrl}/**`, (route) => route.abort("connectionrefused"));
    await t.page.getByRole("button", { name: "Sign in with Telegram" }).click();
    await t.page.getByText("Can't reach the clw.cash service").waitFor();
    await screenshot(t.page, "browser-9-api-down");
    await t.page.unroute(`${t.app.stack.apiUrl}/**`);
    await t.page.getByRole("button", { name: "Try again" }).click();
    await t.page.getByText("Test mode.").waitFor();
  });
});
