import type { Identity } from "@clw/shared";
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { botInfoFromConfig, createBot, type BotServices } from "../src/index.js";
import { confirmPsbt, policyText } from "../src/texts.js";

const TOKEN = "42:unit-test-token";
const OWNER = 7001;

const identity: Identity = {
  id: "0b6a1d3e-1111-4222-8333-944455556666",
  user_id: "u1",
  alg: "secp256k1",
  public_key: `02${"ab".repeat(32)}`,
  status: "active",
  created_at: "2026-11-28T10:00:00.000Z",
};

/** In-memory services: enough product for the bot's own behaviour. */
function memoryServices(overrides: Partial<BotServices> = {}): BotServices {
  const seen = new Set<number>();
  return {
    beginUpdate: async (id) => (seen.has(id) ? false : (seen.add(id), true)),
    admitUpdate: async () => true,
    ensureUser: async (telegramUserId) => ({ id: "u1", telegramUserId }),
    listIdentities: async () => [identity],
    createIdentity: async () => identity,
    destroyIdentity: async () => undefined,
    signDigest: async () => "cd".repeat(64),
    recentAudit: async () => [],
    openSignIn: async () => "unknown",
    decideSignIn: async () => "gone",
    decideIntent: async () => "gone",
    describePsbt: async () => {
      throw Object.assign(new Error("the PSBT is not base64"), { code: "invalid_psbt" });
    },
    signPsbt: async () => ({ psbt: "cHNidP8=", signed_inputs: [0] }),
    getPolicy: async () => ({ require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, max_fee_sats: null, raw_digests: "allow", allow_unsafe_sighash: false }),
    setPolicy: async (_user, _id, policy) => policy,
    decideOwnerAction: async () => "gone",
    listSessions: async () => [],
    revokeAllSessions: async () => 0,
    openAgentRequest: async () => "unknown",
    decideAgentRequest: async () => "gone",
    listAgents: async () => [],
    revokeAgent: async () => {
      throw Object.assign(new Error("no such agent key"), { code: "not_found" });
    },
    createAgentKey: async () => {
      throw new Error("not in these tests");
    },
    ...overrides,
  };
}

/** A bot whose outgoing Bot API calls are captured instead of sent. */
function testBot(services: BotServices) {
  const sent: { method: string; payload: Record<string, any> }[] = [];
  const store = new Map<string, unknown>();
  const logged: string[] = [];
  const bot = createBot({
    token: TOKEN,
    botInfo: botInfoFromConfig(TOKEN, "clw_unit_bot"),
    apiRoot: "http://127.0.0.1:9",
    miniAppUrl: "https://pay.clw.cash",
    services,
    conversationStorage: {
      read: (key) => store.get(key) as never,
      write: (key, state) => void store.set(key, state),
      delete: (key) => void store.delete(key),
    },
    log: (message, error) => logged.push(`${message} ${String(error)}`),
  });
  bot.api.config.use(async (_prev, method, payload) => {
    sent.push({ method, payload: payload as Record<string, any> });
    const result = method === "sendMessage" ? { message_id: sent.length, date: 0, chat: { id: OWNER, type: "private" } } : true;
    return { ok: true, result } as never;
  });
  return { bot, sent, store, logged };
}

let updateId = 1;
const text = (body: string, chatType: "private" | "group" = "private"): Update =>
  ({
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: 0,
      chat: chatType === "private" ? { id: OWNER, type: "private", first_name: "O" } : { id: -5, type: "group", title: "G" },
      from: { id: OWNER, is_bot: false, first_name: "O" },
      text: body,
      ...(body.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: body.split(" ")[0]!.length }] } : {}),
    },
  }) as Update;

describe("the bot library", () => {
  it("answers an error inside a handler with an apology and keeps handling updates", async () => {
    const { bot, sent, logged } = testBot(memoryServices({ listIdentities: async () => Promise.reject(new Error("database on fire")) }));
    await bot.handleUpdate(text("/identities"));
    expect(sent.at(-1)?.payload.text).toContain("Sorry, something went wrong");
    expect(logged.join()).toContain("failed");
    await bot.handleUpdate(text("/help"));
    expect(sent.at(-1)?.payload.text).toContain("/identities");
  });

  it("never leaks an error's details to the chat", async () => {
    const { bot, sent } = testBot(memoryServices({ createIdentity: async () => Promise.reject(new Error("secret internal detail")) }));
    await bot.handleUpdate(text("/new"));
    expect(JSON.stringify(sent)).not.toContain("secret internal detail");
  });

  it("acts on each update id once", async () => {
    const { bot, sent } = testBot(memoryServices());
    const update = text("/new");
    await bot.handleUpdate(update);
    await bot.handleUpdate(update);
    expect(sent.filter((c) => c.method === "sendMessage")).toHaveLength(1);
  });

  it("ignores group chats, where keys would be shown to others", async () => {
    const { bot, sent } = testBot(memoryServices());
    await bot.handleUpdate(text("/identities", "group"));
    expect(sent).toEqual([]);
  });

  it("derives its identity from the token, without asking Telegram", () => {
    expect(botInfoFromConfig("123:abc", "clw_bot")).toMatchObject({ id: 123, username: "clw_bot", is_bot: true });
    expect(() => botInfoFromConfig("abc", "clw_bot")).toThrow(/numeric id/);
  });
});

describe("messages at the contract's edges stay within Telegram's 4,096 characters", () => {
  const ADDRESS = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297";
  const visible = (html: string) => html.replace(/<[^>]*>/g, "").replace(/&(lt|gt|amp);/g, "_").length;

  it("a transaction with 250 outputs is listed in full, over several messages, the question last", () => {
    const outputs = Array.from({ length: 250 }, (_, index) => ({ index, address: ADDRESS, amount_sats: 2_100_000_000_000_000, mine: false }));
    const tx = { txid: "ab".repeat(32), network: "mainnet", inputs: [], outputs, fee_sats: 1000, fee_rate_sat_vb: 2, spend_sats: 1, vsize: 500 } as never;
    const messages = confirmPsbt(identity.id, tx);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(visible(message)).toBeLessThanOrEqual(4096);
    expect(messages.join("\n").match(new RegExp(ADDRESS, "g"))).toHaveLength(250);
    expect(messages.at(-1)).toContain("Sign this transaction with key");
  });

  it("a policy with the longest allowlist the contract allows", () => {
    const policy = { require_approval: true, auto_approve_max_sats: 1, daily_limit_sats: 1, allowed_destinations: Array(50).fill(ADDRESS), max_fee_sats: 1, raw_digests: "deny", allow_unsafe_sighash: true } as const;
    const message = policyText(identity.id, { ...policy, allowed_destinations: [...policy.allowed_destinations] });
    expect(visible(message)).toBeLessThanOrEqual(4096);
    expect(message).toContain("and 40 more");
  });
});
