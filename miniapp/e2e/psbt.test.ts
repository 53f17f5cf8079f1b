import { randomBytes, randomInt } from "node:crypto";
import { base64, hex } from "@scure/base";
import { Script, TEST_NETWORK, Transaction } from "@scure/btc-signer";
import { createClient, isPendingIntent, p2trAddress, taprootOutputKey, type ClwClient, type Identity, type Policy } from "@clw/shared";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { pressInChat, waitForBotMessage } from "./chat.js";
import { DARK_THEME, pressTelegramButton, screenshot, signedInitData, telegramCalls, telegramLaunchHash, useAppWithBot } from "./support.js";

const BOT_TOKEN = "7000000005:AAHtest_token_for_the_psbt_e2e_run";
const WEBHOOK_SECRET = "miniapp-e2e-psbt-webhook-secret-01";
const BOT = "clw_test_bot";
// BIP-173's testnet P2WPKH example: somebody else's address.
const CAROL = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx";
const APPROVAL: Policy = { require_approval: true, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, max_fee_sats: null, raw_digests: "approval", allow_unsafe_sighash: false };

/**
 * A PSBT spending 100,000 sats from the identity's own BIP-86 output: `toCarol` to Carol, an
 * OP_RETURN note, the rest but 1,000 sats of fee back to the identity as change.
 */
function spendFromKey(identity: Identity, toCarol = 42_000n): string {
  const mine = hex.decode(`5120${taprootOutputKey(identity.public_key.slice(2))}`);
  const tx = new Transaction({ allowUnknownOutputs: true });
  tx.addInput({ txid: randomBytes(32), index: 0, witnessUtxo: { amount: 100_000n, script: mine } });
  tx.addOutputAddress(CAROL, toCarol, TEST_NETWORK);
  tx.addOutput({ script: Script.encode(["RETURN", new TextEncoder().encode("invoice 7")]), amount: 0n });
  tx.addOutput({ script: mine, amount: 100_000n - toCarol - 1_000n });
  return base64.encode(tx.toPSBT(0));
}

const lastMainButton = async (page: Page) => (await telegramCalls(page)).filter(([m]) => m === "web_app_setup_main_button").at(-1)?.[1] as { text?: string; is_visible?: boolean } | undefined;

// "Sign what you see": a PSBT request on testnet (the Worker's BITCOIN_NETWORK and the app's VITE_BITCOIN_NETWORK).
describe("a transaction (PSBT) for the owner to approve in the Mini App", () => {
  const t = useAppWithBot({ token: BOT_TOKEN, username: BOT, webhookSecret: WEBHOOK_SECRET }, { BITCOIN_NETWORK: "testnet" }, { VITE_BITCOIN_NETWORK: "testnet" });

  async function owner() {
    const telegramUserId = randomInt(1e6, 1e9);
    const client = createClient({ baseUrl: t.app.stack.apiUrl });
    const { token } = await client.authWithTelegram(signedInitData(telegramUserId, BOT_TOKEN));
    const identity = await client.createIdentity();
    await client.setPolicy(identity.id, APPROVAL);
    return { telegramUserId, client, token, identity };
  }

  async function askToSign(client: ClwClient, identity: Identity, toCarol?: bigint) {
    const psbt = spendFromKey(identity, toCarol);
    const intent = await client.psbtIntent(identity.id, psbt);
    if (!isPendingIntent(intent)) throw new Error("expected the transaction to wait for approval");
    return { psbt, intent };
  }

  it("shows the decoded transaction output by output, and the MainButton approves it when opened for it", async () => {
    const { telegramUserId, client, token, identity } = await owner();
    const { psbt, intent } = await askToSign(client, identity);
    const change = p2trAddress(identity.public_key, "testnet");

    const launch = signedInitData(telegramUserId, BOT_TOKEN, { startParam: intent.id });
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(launch, DARK_THEME, intent.id)}`);
    await t.page.getByTestId("spend").filter({ hasText: "43,000 sats" }).waitFor();
    expect(await t.page.getByTestId("spend-btc").textContent()).toMatch(/^0\.00043 BTC/);
    const outputs = t.page.getByTestId("output");
    expect(await outputs.count()).toBe(3);
    expect(await outputs.getByTestId("output-address").allTextContents()).toEqual([CAROL, expect.stringMatching(/^No address: script 6a/), change]);
    expect(await outputs.getByTestId("output-sats").allTextContents()).toEqual(["42,000 sats", "0 sats", "57,000 sats"]);
    expect(await outputs.getByTestId("output-btc").allTextContents()).toEqual(["0.00042 BTC", "0 BTC", "0.00057 BTC"]);
    // Only the change is marked as going back to this key.
    expect(await outputs.nth(2).getByTestId("output-change").textContent()).toBe("Change · back to this key");
    expect(await outputs.nth(0).getByTestId("output-change").count()).toBe(0);
    expect(await t.page.getByTestId("fee").textContent()).toMatch(/^1,000 sats/);
    expect(await t.page.getByTestId("fee-rate").textContent()).toMatch(/^≈ [\d.]+ sat\/vB/);
    expect(await t.page.getByTestId("network").textContent()).toBe("Bitcoin testnet");
    expect(await t.page.getByTestId("txid").textContent()).toBe(intent.transaction!.txid);
    expect(await t.page.getByTestId("inputs").textContent()).toMatch(/^1 from this key \(100,000 sats\)$/);
    await expect.poll(async () => (await lastMainButton(t.page))?.text).toBe("Approve");
    await screenshot(t.page, "psbt-1-transaction-telegram-dark");

    await pressTelegramButton(t.page, "main_button_pressed");
    await t.page.getByTestId("outcome").filter({ hasText: "the transaction spending 43,000 sats" }).waitFor();
    const state = await client.getSignIntent(intent.id);
    expect(state).toMatchObject({ status: "approved", decided_via: "miniapp", kind: "psbt" });

    // The agent signs exactly what the owner saw, with the ticket the approval handed over.
    const signed = await fetch(`${t.app.stack.apiUrl}/v1/identities/${identity.id}/sign`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ psbt, ticket: state.ticket }),
    }).then((res) => res.json() as Promise<{ signed_inputs: number[] }>);
    expect(signed.signed_inputs).toEqual([0]);
  });

  it("does not offer the MainButton for a request the Mini App was not opened for, and follows the decision made in the chat", async () => {
    const { telegramUserId, client, identity } = await owner();
    const { intent: first } = await askToSign(client, identity);
    const { intent: second } = await askToSign(client, identity, 30_000n);

    // Opened from the first request's Review button, then the owner moves on to the second.
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(signedInitData(telegramUserId, BOT_TOKEN, { startParam: first.id }), DARK_THEME, first.id)}`);
    await t.page.getByTestId("txid").filter({ hasText: first.transaction!.txid }).waitFor();
    await expect.poll(async () => (await lastMainButton(t.page))?.text).toBe("Approve");
    await pressTelegramButton(t.page, "back_button_pressed");
    await t.page.getByRole("list", { name: "Pending requests" }).getByText("Transaction spending 31,000 sats").click();
    await t.page.getByTestId("txid").filter({ hasText: second.transaction!.txid }).waitFor();
    await t.page.getByTestId("decide-in-chat").waitFor();
    expect(await t.page.getByRole("button", { name: "Deny" }).count()).toBe(0);
    expect(await lastMainButton(t.page)).toMatchObject({ is_visible: false });
    await screenshot(t.page, "psbt-2-other-request-telegram-dark");

    await waitForBotMessage(t.telegram, telegramUserId, (b) => b.callback_data === `intent:approve:${second.id}`);
    await pressInChat(t.app.stack.apiUrl, WEBHOOK_SECRET, telegramUserId, `intent:approve:${second.id}`);
    await t.page.getByTestId("outcome").filter({ hasText: "Approved" }).waitFor({ timeout: 30_000 });
    await t.page.getByText("Decided in the chat with the bot.").waitFor();
    expect((await client.getSignIntent(first.id)).status).toBe("pending_approval");
  });

  it("shows the key's Taproot address for the build's network, and says it can be spent", async () => {
    const { telegramUserId, identity } = await owner();
    await t.page.goto(`${t.app.appUrl}/${telegramLaunchHash(signedInitData(telegramUserId, BOT_TOKEN), DARK_THEME)}`);
    await t.page.getByText(`Key ${identity.public_key.slice(2, 10)}…`).click();
    expect(await t.page.getByTestId("address").textContent()).toBe(p2trAddress(identity.public_key, "testnet"));
    expect(await t.page.getByTestId("network").textContent()).toBe("Bitcoin testnet");
    await t.page.getByTestId("spendable").getByText(/can be spent/).waitFor();
  });
});
