import { randomInt } from "node:crypto";
import { createClient, type Identity, type Policy, type Session } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { pressInChat, sendInChat, waitForBotMessage } from "./chat.js";
import { DARK_THEME, mainButtonShows, pressTelegramButton, screenshot, signedInitData, telegramCalls, telegramLaunchHash, useAppWithBot } from "./support.js";

const BOT_TOKEN = "7000000008:AAHtest_token_for_the_agents_e2e_run";
const WEBHOOK_SECRET = "miniapp-e2e-agents-webhook-secret";
const BOT = "clw_test_bot";
const GUARDED: Policy = { require_approval: true, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, max_fee_sats: null, raw_digests: "approval", allow_unsafe_sighash: false };
const AGENT_KEY_RE = /^clw_ak_[A-Za-z0-9_-]{43}$/;

const label = (identity: Identity) => `key ${identity.public_key.slice(2, 10)}…`;


// Agents get keys of their own only with the owner in Telegram; changes that wait for the owner
// can be cancelled from the app.
describe("agent keys and waiting changes on the Access screen", () => {
  // Sign-in takes init data up to an hour old here (an operator's setting), so a launch can
  // outlive its proof of presence, which stays bound to five minutes.
  const t = useAppWithBot({ token: BOT_TOKEN, username: BOT, webhookSecret: WEBHOOK_SECRET }, { INIT_DATA_MAX_AGE_SECONDS: "3600" }, { VITE_BOT_USERNAME: BOT });

  /** An owner with two guarded keys, signed in through the Mini App as a second client. */
  async function owner() {
    const telegramUserId = randomInt(1e6, 1e9);
    const client = createClient({ baseUrl: t.app.stack.apiUrl });
    const session = await client.authWithTelegram(signedInitData(telegramUserId, BOT_TOKEN));
    const [identity, other] = [await client.createIdentity(), await client.createIdentity()];
    for (const key of [identity, other]) await client.setPolicy(key.id, GUARDED);
    return { telegramUserId, client, session, identity, other };
  }

  /** Opens the Mini App inside (mocked) Telegram with a fresh launch, optionally dated `authDate`. */
  async function launch(telegramUserId: number, authDate?: Date) {
    // A new document each time: a change of hash alone would not start the app again.
    await t.page.goto("about:blank");
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(signedInitData(telegramUserId, BOT_TOKEN, { authDate }), DARK_THEME)}`);
  }

  /** Opens the app as a browser tab already signed in with `session`. */
  async function inBrowser(session: Session) {
    const stored = { token: session.token, user: session.user, expiresAt: Date.now() + session.expires_in * 1000, via: "browser", bot: BOT };
    await t.page.addInitScript((value) => sessionStorage.setItem("clw.session", value), JSON.stringify(stored));
    await t.page.goto(t.app.appUrl);
  }

  async function openAccess() {
    await t.page.getByTestId("open-access").click();
    await t.page.getByRole("heading", { name: "Access" }).waitFor();
  }

  /** What an agent holding `agentKey` gets from the API for its keys. */
  const asAgent = (agentKey: string) => fetch(`${t.app.stack.apiUrl}/v1/identities`, { headers: { authorization: `Bearer ${agentKey}` } });

  /** The texts the bot edited its messages in `chatId` to. */
  const editsIn = (chatId: number) => t.telegram.calls().filter((c) => c.method === "editMessageText" && Number(c.payload.chat_id) === chatId).map((c) => String(c.payload.text));

  it("inside Telegram, makes an agent key with the launch's proof, shows it once, and revokes it", async () => {
    const { telegramUserId, client, identity, other } = await owner();
    await launch(telegramUserId);
    await openAccess();
    await t.page.getByTestId("no-agents").waitFor();
    await t.page.getByTestId("new-agent-key").click();
    const form = t.page.getByTestId("new-agent-form");
    await form.getByLabel(/^Name/).fill("payroll bot");
    await form.getByLabel("Only the keys I pick").check();
    await form.getByLabel(label(identity), { exact: false }).check();
    await form.locator("select[name=agent_lifetime]").selectOption("30d");
    // Submitting checks the form first: an empty name is refused before anything is sent.
    await form.getByLabel(/^Name/).fill("  ");
    await mainButtonShows(t.page, "Make the agent key");
    await pressTelegramButton(t.page, "main_button_pressed");
    await form.getByText(/Give it a name/).waitFor();
    expect(await client.listAgents()).toEqual([]);
    await form.getByLabel(/^Name/).fill("payroll bot");
    await screenshot(t.page, "agents-1-new-key-form-telegram");
    await pressTelegramButton(t.page, "main_button_pressed");

    // The key, once, with the exact line for the agent's environment.
    const once = t.page.getByTestId("agent-key-once");
    await once.waitFor();
    const agentKey = (await once.getByTestId("agent-key").textContent())!;
    expect(agentKey).toMatch(AGENT_KEY_RE);
    expect(await once.getByTestId("agent-env-line").textContent()).toBe(`CLW_AGENT_KEY=${agentKey}`);
    await once.getByText("shown only this once").waitFor();
    await screenshot(t.page, "agents-2-key-shown-once-telegram");

    // It works against the API, within the keys picked.
    const seen = await asAgent(agentKey);
    expect(seen.status).toBe(200);
    expect(((await seen.json()) as { items: Identity[] }).items.map((i) => i.id)).toEqual([identity.id]);
    const [made] = await client.listAgents();
    expect(made).toMatchObject({ name: "payroll bot", identity_ids: [identity.id], permissions: ["sign", "read"], revoked_at: null });
    expect(Date.parse(made!.expires_at!) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await client.audit({ limit: 5 })).items.find((e) => e.action === "agent.create")?.source).toBe("miniapp");

    // Listed with its scope and permissions in words; once saved, the key is gone from the page.
    const row = t.page.getByTestId("agent").filter({ hasText: "payroll bot" });
    expect(await row.getByTestId("agent-scope").textContent()).toBe(`Keys: ${label(identity)}`);
    expect(await row.getByTestId("agent-scope").textContent()).not.toContain(other.public_key.slice(2, 10));
    await row.getByText("Expires in 30 days").waitFor();
    await t.page.getByTestId("agent-key-saved").click();
    await once.waitFor({ state: "detached" });
    expect(await t.page.content()).not.toContain(agentKey);
    await t.page.getByTestId("reopen-to-mint").waitFor();

    // Revoked after a confirmation: the agent's next request is refused.
    await row.getByTestId("revoke-agent").click();
    await row.getByRole("button", { name: "Keep it" }).click();
    expect((await asAgent(agentKey)).status).toBe(200);
    await row.getByTestId("revoke-agent").click();
    await row.getByRole("button", { name: "Yes, revoke it" }).click();
    await row.getByTestId("agent-state").getByText("Revoked").waitFor();
    expect((await asAgent(agentKey)).status).toBe(401);
    expect((await client.listAgents())[0]!.revoked_at).not.toBeNull();
    await screenshot(t.page, "agents-3-revoked-telegram");

    // Opened again, the revoked key waits behind "show revoked".
    await t.page.reload();
    await openAccess();
    await t.page.getByTestId("no-agents").waitFor();
    await t.page.getByTestId("toggle-inactive-agents").click();
    await t.page.getByTestId("agent").filter({ hasText: "payroll bot" }).getByTestId("agent-state").getByText("Revoked").waitFor();
  });

  it("inside Telegram, a launch whose proof was spent or is stale makes no key, and says to reopen the Mini App", async () => {
    const { telegramUserId, client, identity } = await owner();
    await launch(telegramUserId);
    // The launch's proof goes on loosening a policy first.
    await t.page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    await t.page.getByTestId("open-policy").click();
    await expect.poll(() => t.page.getByTestId("require-approval").isChecked()).toBe(true);
    await t.page.getByTestId("require-approval").uncheck();
    await pressTelegramButton(t.page, "main_button_pressed");
    await t.page.getByTestId("policy-outcome").getByText("Saved.").waitFor();

    await openAccess();
    await t.page.getByTestId("new-agent-key").click();
    await t.page.getByTestId("new-agent-form").getByLabel(/^Name/).fill("second thoughts");
    await mainButtonShows(t.page, "Make the agent key");
    await pressTelegramButton(t.page, "main_button_pressed");
    const refusal = t.page.getByRole("alert").filter({ hasText: "Reopen the Mini App to make a key" });
    await refusal.getByText(/already proven you're here once/).waitFor();
    await refusal.getByText(/open it again from the chat/).waitFor();
    await refusal.getByRole("button", { name: "Close the Mini App" }).waitFor();
    // Nothing left to press: a retry with the same launch could only be refused again.
    await expect.poll(async () => {
      const last = (await telegramCalls(t.page)).filter(([m]) => m === "web_app_setup_main_button").at(-1);
      return last?.[1]?.is_visible;
    }).toBe(false);
    await screenshot(t.page, "agents-4-proof-used-telegram");
    expect(await client.listAgents()).toEqual([]);

    // A launch older than five minutes still signs in here, but proves nothing any more.
    await t.page.evaluate(() => sessionStorage.clear());
    await launch(telegramUserId, new Date(Date.now() - 6 * 60_000));
    await openAccess();
    await t.page.getByTestId("new-agent-key").click();
    await t.page.getByTestId("new-agent-form").getByLabel(/^Name/).fill("too late");
    await mainButtonShows(t.page, "Make the agent key");
    await pressTelegramButton(t.page, "main_button_pressed");
    await t.page.getByRole("alert").getByText(/only good for a few minutes after the Mini App opens/).waitFor();
    expect(await client.listAgents()).toEqual([]);
  });

  it("in a browser, says how to give an agent a key elsewhere and makes none; keys made in the chat are listed and revocable", async () => {
    await t.page.setViewportSize({ width: 900, height: 1100 });
    const { telegramUserId, client } = await owner();
    // A browser signs in with a link the owner approves in the chat.
    const browser = createClient({ baseUrl: t.app.stack.apiUrl });
    const challenge = await browser.createChallenge({ client_label: "Ada's laptop" });
    await sendInChat(t.app.stack.apiUrl, WEBHOOK_SECRET, telegramUserId, `/start ${new URL(challenge.deep_link!).searchParams.get("start")}`);
    await waitForBotMessage(t.telegram, telegramUserId, (b) => b.callback_data === `signin:approve:${challenge.challenge_id}`);
    await pressInChat(t.app.stack.apiUrl, WEBHOOK_SECRET, telegramUserId, `signin:approve:${challenge.challenge_id}`);
    const signedIn = await browser.verify(challenge.challenge_id);
    if (signedIn.status !== "approved") throw new Error("the link sign-in was not approved");

    await inBrowser(signedIn);
    await openAccess();
    const elsewhere = t.page.getByTestId("mint-elsewhere");
    await elsewhere.getByText("/agents new <name>").waitFor();
    await elsewhere.getByText("clw login").waitFor();
    await elsewhere.getByText(`the chat with @${BOT}`).waitFor();
    expect(await elsewhere.getByRole("link", { name: `Open @${BOT} in Telegram` }).getAttribute("href")).toBe(`https://t.me/${BOT}`);
    await t.page.getByTestId("no-agents").waitFor();
    expect(await t.page.getByTestId("new-agent-key").count()).toBe(0);
    await screenshot(t.page, "agents-5-browser-explains");
    // The API agrees: a browser session never makes one, not even with init data beside it.
    await expect(browser.createAgent({ name: "sneaky" })).rejects.toMatchObject({ status: 403, code: "approval_required" });
    await expect(browser.createAgent({ name: "sneaky" }, { initData: signedInitData(telegramUserId, BOT_TOKEN) })).rejects.toMatchObject({ status: 403, code: "approval_required" });
    expect(await client.listAgents()).toEqual([]);

    // A key the owner made in the chat shows up here, and the browser can revoke it.
    await sendInChat(t.app.stack.apiUrl, WEBHOOK_SECRET, telegramUserId, "/agents new cron job");
    await expect.poll(async () => (await client.listAgents()).length).toBe(1);
    await t.page.reload();
    await openAccess();
    const row = t.page.getByTestId("agent").filter({ hasText: "cron job" });
    await row.getByText("All your keys, including keys you create later").waitFor();
    await row.getByText("Never used").waitFor();
    await row.getByTestId("agent-made").getByText(/^Made by you in the chat/).waitFor();
    await row.getByTestId("revoke-agent").click();
    await row.getByRole("button", { name: "Yes, revoke it" }).click();
    await row.getByTestId("agent-state").getByText("Revoked").waitFor();
    expect((await client.listAgents())[0]!.revoked_at).not.toBeNull();
  });

  it("lists the changes waiting for the owner and cancels one; the chat's prompt says Cancelled", async () => {
    await t.page.setViewportSize({ width: 900, height: 1100 });
    const { telegramUserId, client, session, identity, other } = await owner();
    // Asked for without proof: both wait for the owner in the chat.
    const loosen = await client.setPolicy(identity.id, { ...GUARDED, require_approval: false });
    const destroy = await client.destroyIdentity(other.id);
    expect([loosen, destroy].map((a) => "status" in a && a.status)).toEqual(["pending_confirmation", "pending_confirmation"]);
    await waitForBotMessage(t.telegram, telegramUserId, (b) => b.callback_data === `action:deny:${"id" in loosen ? loosen.id : ""}`);

    await inBrowser(session);
    await openAccess();
    const changes = t.page.getByTestId("waiting-change");
    await expect.poll(() => changes.count()).toBe(2);
    const policyChange = changes.filter({ hasText: `Loosen the policy of ${label(identity)}` });
    expect(await policyChange.getByTestId("waiting-change-changes").textContent()).toContain("approval turned off");
    await changes.filter({ hasText: `Destroy ${label(other)}` }).waitFor();
    await screenshot(t.page, "agents-6-waiting-changes-browser");

    await policyChange.getByTestId("cancel-change").click();
    await policyChange.getByTestId("waiting-change-outcome").getByText(/^Cancelled\. Nothing changed/).waitFor();
    expect(await client.getAction("id" in loosen ? loosen.id : "")).toMatchObject({ status: "denied", decided_via: "api" });
    await expect.poll(() => editsIn(telegramUserId).some((text) => text.includes("Cancelled"))).toBe(true);
    expect((await client.getPolicy(identity.id)).require_approval).toBe(true);
    // The other change still waits.
    expect((await client.listActions(true)).map((a) => a.id)).toEqual(["id" in destroy ? destroy.id : ""]);
  });

  it("in a browser, “Confirm this in the chat” offers Cancel too, and the page says it was cancelled here", async () => {
    await t.page.setViewportSize({ width: 900, height: 1000 });
    const { telegramUserId, client, session, identity } = await owner();
    await inBrowser(session);
    await t.page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    await t.page.getByRole("button", { name: "Destroy key…" }).click();
    await t.page.getByRole("button", { name: "Yes, destroy it" }).click();
    await t.page.getByText(`Confirm this in the chat with @${BOT}.`).waitFor();
    const [waiting] = await client.listActions(true);
    expect(waiting).toMatchObject({ kind: "destroy", identity_id: identity.id });
    await screenshot(t.page, "agents-7-confirm-in-chat-with-cancel");

    await t.page.getByTestId("cancel-pending").click();
    await t.page.getByText("You cancelled it before it was confirmed. Nothing changed on the key.").waitFor();
    expect(await client.getAction(waiting!.id)).toMatchObject({ status: "denied", decided_via: "api" });
    await expect.poll(() => editsIn(telegramUserId).some((text) => text.includes("Cancelled"))).toBe(true);
    expect((await client.listIdentities()).map((i) => i.id)).toContain(identity.id);
    await t.page.getByRole("button", { name: "Destroy key…" }).waitFor();
  });
});
