import { randomInt } from "node:crypto";
import { createClient, type Identity, type Policy, type Session } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { pressInChat, sendInChat, waitForBotMessage } from "./chat.js";
import { DARK_THEME, mainButtonShows, pressTelegramButton, screenshot, signedInitData, telegramLaunchHash, useAppWithBot } from "./support.js";

const BOT_TOKEN = "7000000006:AAHtest_token_for_the_presence_e2e_run";
const WEBHOOK_SECRET = "miniapp-e2e-presence-webhook-secret";
const BOT = "clw_test_bot";
const GUARDED: Policy = { require_approval: true, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, max_fee_sats: null, raw_digests: "approval", allow_unsafe_sighash: false };


// Nothing loosens without the owner: inside Telegram the Mini App's launch proves they are there
// (once); in a browser the change waits for their confirmation in the chat, and the page follows.
describe("changes that need the owner in Telegram", () => {
  // The build names the bot (VITE_BOT_USERNAME), so the Mini App inside Telegram can name it too.
  const t = useAppWithBot({ token: BOT_TOKEN, username: BOT, webhookSecret: WEBHOOK_SECRET }, {}, { VITE_BOT_USERNAME: BOT });

  /** An owner with a guarded key, signed in through the Mini App (as a second client would be). */
  async function owner() {
    const telegramUserId = randomInt(1e6, 1e9);
    const client = createClient({ baseUrl: t.app.stack.apiUrl });
    const session = await client.authWithTelegram(signedInitData(telegramUserId, BOT_TOKEN));
    const identity = await client.createIdentity();
    expect(await client.setPolicy(identity.id, GUARDED)).toEqual(GUARDED); // tightening: at once
    return { telegramUserId, client, session, identity };
  }

  /** Opens the app as a browser tab already signed in with `session` (pay.clw.cash). */
  async function inBrowser(session: Session) {
    const stored = { token: session.token, user: session.user, expiresAt: Date.now() + session.expires_in * 1000, via: "browser", bot: BOT };
    await t.page.addInitScript((value) => sessionStorage.setItem("clw.session", value), JSON.stringify(stored));
    await t.page.goto(t.app.appUrl);
  }

  async function openPolicy(identity: Identity) {
    await t.page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    await t.page.getByTestId("open-policy").click();
    await t.page.getByRole("heading", { name: "Policy" }).waitFor();
    await expect.poll(() => t.page.getByTestId("require-approval").isChecked()).toBe(true);
  }

  const answered = new Set<string>();
  const actionOf = (data: string | undefined) => /^action:confirm:([0-9a-f-]{36})$/.exec(data ?? "")?.[1];

  /** The owner presses Confirm (or Cancel) on the bot's newest prompt about a change not yet answered. */
  async function answerInChat(telegramUserId: number, confirm: boolean) {
    const prompt = await waitForBotMessage(t.telegram, telegramUserId, (b) => {
      const id = actionOf(b.callback_data);
      return id !== undefined && !answered.has(id);
    });
    const actionId = prompt.buttons.map((b) => actionOf(b.callback_data)).find(Boolean)!;
    answered.add(actionId);
    await pressInChat(t.app.stack.apiUrl, WEBHOOK_SECRET, telegramUserId, `action:${confirm ? "confirm" : "deny"}:${actionId}`);
    return prompt;
  }

  it("inside Telegram, a loosening is saved at once with the launch's proof; a second one waits for the chat", async () => {
    const { telegramUserId, client, identity } = await owner();
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(signedInitData(telegramUserId, BOT_TOKEN), DARK_THEME)}`);
    await openPolicy(identity);
    await t.page.getByTestId("require-approval").uncheck();
    await mainButtonShows(t.page, "Save policy");
    await pressTelegramButton(t.page, "main_button_pressed");
    await t.page.getByTestId("policy-outcome").getByText("Saved.").waitFor();
    expect((await client.getPolicy(identity.id)).require_approval).toBe(false);
    expect((await client.audit({ limit: 5 })).items.find((e) => e.action === "policy.update")?.source).toBe("miniapp");

    // The launch proves presence once: the next loosening is asked for in the chat instead.
    await t.page.locator("input[name=raw_digests][value=allow]").check();
    await pressTelegramButton(t.page, "main_button_pressed");
    await t.page.getByText(`Confirm this in the chat with @${BOT}.`).waitFor();
    await t.page.getByText(/has already proven you're here once/).waitFor();
    expect(await t.page.getByTestId("pending-changes").textContent()).toContain("raw digests: allow");
    expect((await client.getPolicy(identity.id)).raw_digests).toBe("approval");
    await screenshot(t.page, "presence-1-confirm-in-chat-telegram");
    await answerInChat(telegramUserId, true);
    await t.page.getByTestId("policy-outcome").getByText("Saved.").waitFor({ timeout: 20_000 });
    expect(await t.page.locator("input[name=raw_digests][value=allow]").isChecked()).toBe(true);
    expect((await client.getPolicy(identity.id)).raw_digests).toBe("allow");
  });

  it("in a browser, a loosening waits for the owner's confirmation in the chat and the page follows it", async () => {
    await t.page.setViewportSize({ width: 900, height: 1000 });
    const { telegramUserId, client, session, identity } = await owner();
    await inBrowser(session);
    await openPolicy(identity);
    await t.page.getByTestId("require-approval").uncheck();
    await t.page.getByTestId("save-policy").click();
    await t.page.getByText(`Confirm this in the chat with @${BOT}.`).waitFor();
    expect(await t.page.getByRole("link", { name: `Open @${BOT} in Telegram` }).getAttribute("href")).toBe(`https://t.me/${BOT}`);
    expect(await t.page.getByTestId("pending-changes").textContent()).toContain("approval turned off");
    expect(await t.page.getByTestId("save-policy").isDisabled()).toBe(true);
    // Nothing changed yet.
    expect((await client.getPolicy(identity.id)).require_approval).toBe(true);
    await screenshot(t.page, "presence-2-confirm-in-chat-browser");

    const prompt = await answerInChat(telegramUserId, true);
    expect(prompt.text).toContain("Loosen the policy");
    await t.page.getByTestId("policy-outcome").getByText("You confirmed it in Telegram").waitFor({ timeout: 20_000 });
    expect(await t.page.getByTestId("require-approval").isChecked()).toBe(false);
    expect((await client.getPolicy(identity.id)).require_approval).toBe(false);

    // Tightening never waits.
    await t.page.getByTestId("require-approval").check();
    await t.page.getByTestId("save-policy").click();
    await t.page.getByTestId("policy-outcome").getByText("The policy applies to the next request.").waitFor();
    expect((await client.getPolicy(identity.id)).require_approval).toBe(true);
  });

  it("inside Telegram, destroying a key happens at once with the launch's proof", async () => {
    const { telegramUserId, client, identity } = await owner();
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(signedInitData(telegramUserId, BOT_TOKEN), DARK_THEME)}`);
    await t.page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    await t.page.getByRole("button", { name: "Destroy key…" }).click();
    await t.page.getByRole("button", { name: "Yes, destroy it" }).click();
    await t.page.getByText("No keys yet.").waitFor();
    expect(await client.listIdentities()).toEqual([]);
  });

  it("in a browser, destroying a key waits for the chat: cancelled there it stays, confirmed there it is gone", async () => {
    await t.page.setViewportSize({ width: 900, height: 1000 });
    const { telegramUserId, client, session, identity } = await owner();
    await inBrowser(session);
    await t.page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    await t.page.getByRole("button", { name: "Destroy key…" }).click();
    await t.page.getByRole("button", { name: "Yes, destroy it" }).click();
    await t.page.getByText(`Confirm this in the chat with @${BOT}.`).waitFor();
    expect((await client.listIdentities()).map((i) => i.id)).toEqual([identity.id]);
    await screenshot(t.page, "presence-3-destroy-in-chat-browser");
    await answerInChat(telegramUserId, false);
    await t.page.getByText("You cancelled it in Telegram. Nothing changed on the key.").waitFor({ timeout: 20_000 });
    expect((await client.listIdentities()).map((i) => i.id)).toEqual([identity.id]);

    await t.page.getByRole("button", { name: "Destroy key…" }).click();
    await t.page.getByRole("button", { name: "Yes, destroy it" }).click();
    await t.page.getByTestId("confirm-in-chat").waitFor();
    const prompt = await answerInChat(telegramUserId, true);
    expect(prompt.text).toContain("Destroy key");
    await t.page.getByText("No keys yet.").waitFor({ timeout: 20_000 });
    expect(await client.listIdentities()).toEqual([]);
  });

  it("lists the owner's sessions on the Access screen and signs out everywhere", async () => {
    await t.page.setViewportSize({ width: 900, height: 1000 });
    const { telegramUserId, client: miniApp } = await owner();
    // A browser signs in with a link the owner approves in the chat, naming itself.
    const browser = createClient({ baseUrl: t.app.stack.apiUrl });
    const challenge = await browser.createChallenge({ client_label: "Ada's laptop" });
    await sendInChat(t.app.stack.apiUrl, WEBHOOK_SECRET, telegramUserId, `/start ${new URL(challenge.deep_link!).searchParams.get("start")}`);
    await waitForBotMessage(t.telegram, telegramUserId, (b) => b.callback_data === `signin:approve:${challenge.challenge_id}`);
    await pressInChat(t.app.stack.apiUrl, WEBHOOK_SECRET, telegramUserId, `signin:approve:${challenge.challenge_id}`);
    const signedIn = await browser.verify(challenge.challenge_id);
    if (signedIn.status !== "approved") throw new Error("the link sign-in was not approved");

    await inBrowser(signedIn);
    await t.page.getByTestId("open-access").click();
    await t.page.getByRole("heading", { name: "Access" }).waitFor();
    const sessions = t.page.getByTestId("session");
    await expect.poll(() => sessions.count()).toBe(2);
    const current = sessions.filter({ has: t.page.getByTestId("current-session") });
    expect(await current.count()).toBe(1);
    await current.getByText("Sign-in link, approved in Telegram").waitFor();
    expect(await current.getByTestId("session-label").textContent()).toBe("Calls itself “Ada's laptop” (its own claim)");
    await sessions.filter({ hasText: "Telegram Mini App" }).waitFor();
    await screenshot(t.page, "access-1-sessions-browser");

    await t.page.getByTestId("sign-out-everywhere").click();
    await t.page.getByRole("button", { name: "Yes, sign out everywhere" }).click();
    await t.page.getByText("You are signed out everywhere").waitFor();
    expect(await t.page.evaluate(() => sessionStorage.getItem("clw.session"))).toBeNull();
    // Every session ended: this tab's and the Mini App's.
    await expect(browser.listIdentities()).rejects.toMatchObject({ status: 401 });
    await expect(miniApp.listIdentities()).rejects.toMatchObject({ status: 401 });
  });
});
