import { env } from "cloudflare:test";
import { verifySchnorr } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { call, freshTelegramId, randomDigest, signIn } from "./helpers.js";
import { base64, hex } from "@scure/base";
import { Transaction } from "@scure/btc-signer";
import { taprootOutputKey } from "@clw/shared";
import { TEST_WEBHOOK_SECRET, botEnv, buttonsIn, callbackUpdate, callsFor, converse, deliver, messageUpdate, refusedCalls, saidIn, textUpdate } from "./telegram.js";

const apiRoot = () => env.TEST_TELEGRAM_API_ROOT;

const texts = saidIn;
const buttons = buttonsIn;

async function identitiesOf(telegramUserId: number) {
  const rows = await env.DB.prepare(
    "SELECT identities.id, identities.status, identities.public_key FROM identities JOIN users ON users.id = identities.user_id WHERE users.telegram_user_id = ? ORDER BY identities.created_at",
  ).bind(telegramUserId).all<{ id: string; status: string; public_key: string }>();
  return rows.results;
}

describe("the webhook only lets Telegram in", () => {
  it("refuses updates without or with a wrong secret header, and changes nothing", async () => {
    const user = freshTelegramId();
    for (const secret of [null, "", "wrong-secret-0123456789", `${TEST_WEBHOOK_SECRET}x`]) {
      const res = await deliver(textUpdate(user, "/new"), { secret });
      expect(res.status).toBe(401);
    }
    expect(await callsFor(apiRoot(), user)).toEqual([]);
    expect(await identitiesOf(user)).toEqual([]);
  });

  it("is not served at all until the bot is configured", async () => {
    const res = await call("POST", "/telegram-webhook", { raw: JSON.stringify(textUpdate(freshTelegramId(), "/start")), headers: { "x-telegram-bot-api-secret-token": TEST_WEBHOOK_SECRET } });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("misconfigured");
  });

  it("acts on a redelivered update once", async () => {
    const user = freshTelegramId();
    const update = textUpdate(user, "/new");
    const calls = await converse(user, update, update, update);
    expect(texts(calls).filter((text) => text.includes("New key"))).toHaveLength(1);
    expect(await identitiesOf(user)).toHaveLength(1);
  });
});

describe("commands", () => {
  it("/start welcomes with the command list and a button that opens the Mini App", async () => {
    const user = freshTelegramId();
    const calls = await converse(user, textUpdate(user, "/start"));
    expect(texts(calls)[0]).toContain("/identities");
    expect(buttons(calls).some((b) => b.web_app?.url === "https://pay.clw.cash")).toBe(true);
  });

  it("/new creates a key; /identities lists it with sign and destroy buttons", async () => {
    const user = freshTelegramId();
    const empty = await converse(user, textUpdate(user, "/identities"));
    expect(texts(empty)[0]).toContain("/new");
    const created = await converse(user, textUpdate(user, "/new"));
    const [identity] = await identitiesOf(user);
    expect(texts(created)[0]).toContain(identity!.public_key);
    const listed = await converse(user, textUpdate(user, "/identities"));
    expect(texts(listed)[0]).toContain(identity!.id.slice(0, 8));
    expect(buttons(listed).map((b) => b.callback_data)).toEqual([`sign:start:${identity!.id}`, `destroy:pick:${identity!.id}`]);
  });

  it("/sign walks through key, digest (with another try) and confirmation to a valid signature", async () => {
    const user = freshTelegramId();
    await converse(user, textUpdate(user, "/new"), textUpdate(user, "/new"));
    const [first] = await identitiesOf(user);
    const digest = randomDigest();
    const pick = await converse(user, textUpdate(user, "/sign"));
    expect(buttons(pick).map((b) => b.callback_data)).toContain(`sign:pick:${first!.id}`);
    const ask = await converse(user, callbackUpdate(user, `sign:pick:${first!.id}`));
    expect(texts(ask).join()).toContain("64 hex characters");
    const retry = await converse(user, textUpdate(user, "not a digest"), textUpdate(user, "ab".repeat(31)));
    expect(texts(retry)).toHaveLength(2);
    expect(texts(retry)[1]).toContain("62 characters");
    const confirm = await converse(user, textUpdate(user, `0x${digest}`));
    expect(texts(confirm)[0]).toContain(digest);
    const done = await converse(user, callbackUpdate(user, "sign:confirm"));
    const signature = /([0-9a-f]{128})/.exec(texts(done).join("\n"))?.[1];
    expect(signature && verifySchnorr(first!.public_key, digest, signature)).toBe(true);
    const audit = await env.DB.prepare("SELECT source FROM audit_events WHERE identity_id = ? AND action = 'identity.sign'").bind(first!.id).all();
    expect(audit.results).toEqual([{ source: "telegram" }]);
  });

  it("/cancel leaves the conversation at any step; nothing is signed", async () => {
    const user = freshTelegramId();
    await converse(user, textUpdate(user, "/new"));
    const [identity] = await identitiesOf(user);
    const calls = await converse(user, textUpdate(user, "/sign"), textUpdate(user, "/cancel"), textUpdate(user, "ab".repeat(32)));
    expect(texts(calls).at(-2)).toContain("Cancelled");
    expect(texts(calls).at(-1)).toContain("/help");
    const signs = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE identity_id = ? AND action = 'identity.sign'").bind(identity!.id).first<{ n: number }>();
    expect(signs!.n).toBe(0);
  });

  it("/destroy warns and destroys only after confirmation; another user's press changes nothing", async () => {
    const user = freshTelegramId();
    const intruder = freshTelegramId();
    await converse(user, textUpdate(user, "/new"));
    const [identity] = await identitiesOf(user);
    const pick = await converse(user, textUpdate(user, "/destroy"));
    expect(buttons(pick).map((b) => b.callback_data)).toContain(`destroy:pick:${identity!.id}`);
    const warning = await converse(user, callbackUpdate(user, `destroy:pick:${identity!.id}`));
    expect(texts(warning)[0]).toContain("cannot be undone");
    expect((await identitiesOf(user))[0]!.status).toBe("active");
    const stolen = await converse(user, callbackUpdate(intruder, `destroy:confirm:${identity!.id}`, user));
    expect(JSON.stringify(stolen)).toContain("not one of yours");
    expect((await identitiesOf(user))[0]!.status).toBe("active");
    const done = await converse(user, callbackUpdate(user, `destroy:confirm:${identity!.id}`));
    expect(texts(done)[0]).toContain("destroyed");
    expect((await identitiesOf(user))[0]!.status).toBe("destroyed");
    const replay = await converse(user, callbackUpdate(user, `destroy:confirm:${identity!.id}`));
    expect(JSON.stringify(replay)).toContain("has been destroyed");
  });

  it("/audit shows the last events in words, with where they came from", async () => {
    const user = freshTelegramId();
    await converse(user, textUpdate(user, "/new"));
    const calls = await converse(user, textUpdate(user, "/audit"));
    expect(texts(calls)[0]).toMatch(/Created key [0-9a-f]{8}… \(in Telegram\)/);
    expect(texts(calls)[0]).toContain("Created your clw.cash account");
  });

  it("answers stickers, photos, edits, unknown commands, long texts and stale buttons helpfully, changing nothing", async () => {
    const user = freshTelegramId();
    const calls = await converse(
      user,
      messageUpdate(user, { sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } }),
      messageUpdate(user, { photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }] }),
      messageUpdate(user, { text: "/new", edit_date: 1 }, "edited_message"),
      textUpdate(user, "/frobnicate"),
      textUpdate(user, "x".repeat(4000)),
      callbackUpdate(user, "sign:confirm"),
    );
    const said = texts(calls);
    expect(said).toHaveLength(5);
    expect(said[0]).toContain("only understand text");
    expect(said[2]).toContain("edited");
    expect(said[3]).toContain("do not know that command");
    expect(calls.some((c) => c.method === "answerCallbackQuery" && String(c.payload.text).includes("expired"))).toBe(true);
    expect(await identitiesOf(user)).toEqual([]);
  });

  it("says the signer is unavailable instead of failing when it is down", async () => {
    const user = freshTelegramId();
    const before = (await callsFor(apiRoot(), user)).length;
    expect((await deliver(textUpdate(user, "/new"), { env: { ENCLAVE_BASE_URL: "http://127.0.0.1:9" } })).status).toBe(200);
    const calls = (await callsFor(apiRoot(), user)).slice(before);
    expect(texts(calls)[0]).toContain("signer is unavailable");
    expect(await identitiesOf(user)).toEqual([]);
  });
});

describe("what Telegram accepts, at the contract's edges", () => {
  it("/identities answers in the webhook's own response, which Telegram sends", async () => {
    const user = freshTelegramId();
    await converse(user, textUpdate(user, "/new"));
    const answer = await call("POST", "/telegram-webhook", { raw: JSON.stringify(textUpdate(user, "/identities")), headers: { "x-telegram-bot-api-secret-token": TEST_WEBHOOK_SECRET }, env: botEnv() });
    expect(answer.body).toMatchObject({ method: "sendMessage", chat_id: user, parse_mode: "HTML" });
    expect(answer.body.text).toContain("Your keys");
    // A command that sends more than one message, or needs the sent message, goes through the Bot API.
    const created = await call("POST", "/telegram-webhook", { raw: JSON.stringify(textUpdate(user, "/new")), headers: { "x-telegram-bot-api-secret-token": TEST_WEBHOOK_SECRET }, env: botEnv() });
    expect(created.body).toBeNull();
  });

  it("an owner at the key cap gets lists and pickers Telegram accepts, the newest keys first", async () => {
    const user = freshTelegramId();
    const { token } = await signIn(user);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const created = await call("POST", "/v1/identities", { token, env: { RATE_LIMIT_PER_USER: "1000" } });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const before = (await refusedCalls(apiRoot())).length;
    const listed = await converse(user, textUpdate(user, "/identities"));
    expect(texts(listed)).toHaveLength(1);
    expect(texts(listed)[0]).toContain("…and 80 more keys: the Mini App lists them all.");
    expect(texts(listed)[0]).toContain(ids[99]!.slice(0, 8));
    expect(buttons(listed)).toHaveLength(40);
    const pickers = await converse(user, textUpdate(user, "/destroy"), textUpdate(user, "/cancel"), textUpdate(user, "/sign"));
    expect(texts(pickers).filter((text) => text.includes("80 more keys"))).toHaveLength(2);
    expect((await refusedCalls(apiRoot())).slice(before)).toEqual([]);
  });

  it("a transaction with 100 outputs reaches the owner; without every output listed, the chat offers no Approve", async () => {
    const user = freshTelegramId();
    const { token } = await signIn(user);
    const identity = (await call("POST", "/v1/identities", { token })).body;
    await call("PUT", `/v1/identities/${identity.id}/policy`, { token, body: { require_approval: true, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null }, env: botEnv() });
    const script = hex.decode(`5120${taprootOutputKey(identity.public_key.slice(2))}`);
    const tx = new Transaction();
    tx.addInput({ txid: crypto.getRandomValues(new Uint8Array(32)), index: 0, witnessUtxo: { amount: 10_000_000n, script } });
    for (let i = 0; i < 100; i++) tx.addOutputAddress("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", 50_000n);
    const before = (await refusedCalls(apiRoot())).length;
    const pending = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { psbt: base64.encode(tx.toPSBT(0)) }, env: botEnv() });
    expect(pending.status).toBe(202);
    const prompt = (await callsFor(apiRoot(), user)).find((c) => String(c.payload.text).includes("Transaction to sign"))!;
    expect(String(prompt.payload.text)).toContain("…and 80 more");
    expect(String(prompt.payload.text)).toContain("tap 🔎 Review to see every one");
    expect(buttons([prompt]).map((b) => b.text)).toEqual(["🚫 Deny", "🔎 Review"]);
    expect((await refusedCalls(apiRoot())).slice(before)).toEqual([]);
  });
});
