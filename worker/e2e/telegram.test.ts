import { randomInt } from "node:crypto";
import { createClient, verifySchnorr } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { BOT_TOKEN, postUpdate, useBotStack, WEBHOOK_SECRET } from "./support.js";
import { callbackUpdate, textUpdate, type Update } from "../stack/telegram-updates.js";
import { REPO_ROOT } from "../stack/components.js";
import { runCommand } from "../stack/processes.js";

const bot = useBotStack();

const post = (update: Update, secret?: string | null) => postUpdate(bot().stack.apiUrl, update, secret);

const saidTo = (chatId: number) =>
  bot().telegram.calls().filter((c) => (c.method === "sendMessage" || c.method === "editMessageText") && Number(c.payload.chat_id) === chatId).map((c) => String(c.payload.text));

describe("the bot through wrangler dev and a local Bot API", () => {
  it("telegram:setup registers the webhook with its secret, the commands and the Mini App button", async () => {
    await runCommand({
      name: "telegram:setup",
      command: "pnpm",
      args: ["telegram:setup"],
      cwd: REPO_ROOT,
      env: { ...process.env, TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, TELEGRAM_API_ROOT: bot().telegram.apiRoot, WEBHOOK_URL: `${bot().stack.apiUrl}/telegram-webhook`, MINIAPP_URL: "https://pay.clw.cash" },
    });
    const byMethod = Object.fromEntries(bot().telegram.calls().map((c) => [c.method, c.payload]));
    expect(byMethod.setWebhook).toMatchObject({ url: `${bot().stack.apiUrl}/telegram-webhook`, secret_token: WEBHOOK_SECRET });
    expect(JSON.stringify(byMethod.setMyCommands)).toContain("identities");
    expect(byMethod.setChatMenuButton).toMatchObject({ menu_button: { type: "web_app", web_app: { url: "https://pay.clw.cash" } } });
  });

  it("refuses updates without the secret header", async () => {
    const user = randomInt(1e6, 1e9);
    expect((await post(textUpdate(user, "/new"), null)).status).toBe(401);
    expect((await post(textUpdate(user, "/new"), "not-the-secret-000000")).status).toBe(401);
    expect(saidTo(user)).toEqual([]);
  });

  it("creates a key and signs through the /sign conversation, state kept between webhook calls", async () => {
    const user = randomInt(1e6, 1e9);
    expect((await post(textUpdate(user, "/new"))).status).toBe(200);
    const publicKey = /(0[23][0-9a-f]{64})/.exec(saidTo(user).join("\n"))?.[1];
    expect(publicKey).toBeTruthy();
    const digest = "5a".repeat(32);
    for (const update of [textUpdate(user, "/sign"), textUpdate(user, digest), callbackUpdate(user, "sign:confirm")]) {
      expect((await post(update)).status).toBe(200);
    }
    const signature = /([0-9a-f]{128})/.exec(saidTo(user).at(-1) ?? "")?.[1];
    expect(signature && verifySchnorr(publicKey!, digest, signature)).toBe(true);
  });

  it("signs another client in only after the owner approves in chat", async () => {
    const owner = randomInt(1e6, 1e9);
    const client = createClient({ baseUrl: bot().stack.apiUrl });
    const challenge = await client.createChallenge({ client_label: "e2e agent" });
    const code = new URL(challenge.deep_link!).searchParams.get("start")!;
    await post(textUpdate(owner, `/start ${code}`));
    expect(saidTo(owner).at(-1)).toContain(challenge.confirmation_code);
    expect((await client.verify(challenge.challenge_id)).status).toBe("pending");
    const challengeRow = bot().telegram.calls().filter((c) => Number(c.payload.chat_id) === owner).at(-1)!;
    const approve = (challengeRow.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard[0]![0]!.callback_data;
    await post(callbackUpdate(owner, approve));
    const verified = await client.verify(challenge.challenge_id);
    expect(verified.status).toBe("approved");
    expect(await client.listIdentities()).toEqual([]);
  });
});
