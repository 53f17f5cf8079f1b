import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, freshTelegramId } from "./helpers.js";
import { botEnv, callbackUpdate, callsFor, deliver, textUpdate, type Update } from "./telegram.js";

const withBot = () => botEnv();
const apiRoot = () => env.TEST_TELEGRAM_API_ROOT;

const send = async (update: Update) => expect((await deliver(update)).status).toBe(200);

async function lastSaid(chatId: number) {
  const said = (await callsFor(apiRoot(), chatId)).filter((c) => c.method === "sendMessage" || c.method === "editMessageText");
  return { text: String(said.at(-1)?.payload.text ?? ""), markup: said.at(-1)?.payload.reply_markup };
}

async function startChallenge(body: Record<string, unknown> = { client_label: "agent-cli" }) {
  const res = await call("POST", "/v1/auth/challenge", { body, env: withBot() });
  expect(res.status).toBe(201);
  const code = new URL(res.body.deep_link).searchParams.get("start")!;
  return { id: res.body.challenge_id as string, code, confirmation: res.body.confirmation_code as string };
}

const verify = (challengeId: string) => call("POST", "/v1/auth/verify", { body: { challenge_id: challengeId }, env: withBot() });

describe("signing in from another client, approved in Telegram", () => {
  it("shows what is asking, with the client's code, and approve gives that user a session", async () => {
    const owner = freshTelegramId();
    const challenge = await startChallenge();
    await send(textUpdate(owner, `/start ${challenge.code}`));
    const prompt = await lastSaid(owner);
    expect(prompt.text).toContain("agent-cli");
    expect(prompt.text).toContain(challenge.confirmation);
    expect(prompt.markup.inline_keyboard[0].map((b: { callback_data: string }) => b.callback_data)).toEqual([
      `signin:approve:${challenge.id}`,
      `signin:deny:${challenge.id}`,
    ]);
    expect((await verify(challenge.id)).status).toBe(202);

    await send(callbackUpdate(owner, `signin:approve:${challenge.id}`));
    expect((await lastSaid(owner)).text).toContain("approved");
    const session = await verify(challenge.id);
    expect(session.status).toBe(200);
    expect(session.body.user.telegram_user_id).toBe(String(owner));
    expect((await verify(challenge.id)).status).toBe(404);

    const audit = await call("GET", "/v1/audit", { token: session.body.token, env: withBot() });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain("signin.approve");
  });

  it("deny makes verify answer 403", async () => {
    const owner = freshTelegramId();
    const challenge = await startChallenge();
    await send(textUpdate(owner, `/start ${challenge.code}`));
    await send(callbackUpdate(owner, `signin:deny:${challenge.id}`));
    expect((await lastSaid(owner)).text).toContain("denied");
    const res = await verify(challenge.id);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("challenge_denied");
  });

  it("only the user who received the prompt can press its buttons", async () => {
    const owner = freshTelegramId();
    const intruder = freshTelegramId();
    const challenge = await startChallenge();
    await send(textUpdate(owner, `/start ${challenge.code}`));
    await send(callbackUpdate(intruder, `signin:approve:${challenge.id}`, owner));
    const answers = (await callsFor(apiRoot(), owner)).filter((c) => c.method === "answerCallbackQuery");
    expect(answers.at(-1)?.payload).toMatchObject({ show_alert: true });
    expect((await verify(challenge.id)).status).toBe(202);
    // The intruder cannot take the link over by opening it themselves either.
    await send(textUpdate(intruder, `/start ${challenge.code}`));
    expect((await lastSaid(intruder)).text).toContain("another Telegram account");
  });

  it("replaying an old approval does nothing more", async () => {
    const owner = freshTelegramId();
    const challenge = await startChallenge();
    await send(textUpdate(owner, `/start ${challenge.code}`));
    await send(callbackUpdate(owner, `signin:approve:${challenge.id}`));
    expect((await verify(challenge.id)).status).toBe(200);
    await send(callbackUpdate(owner, `signin:approve:${challenge.id}`));
    expect((await lastSaid(owner)).text).toContain("already answered");
    await send(callbackUpdate(owner, `signin:deny:${challenge.id}`));
    expect((await verify(challenge.id)).status).toBe(404);
    const sessions = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE challenge_id = ?").bind(challenge.id).first<{ n: number }>();
    expect(sessions!.n).toBe(1);
  });

  it("random, expired and used codes get a clear message and resolve nothing", async () => {
    const owner = freshTelegramId();
    await send(textUpdate(owner, `/start ${"0".repeat(32)}`));
    expect((await lastSaid(owner)).text).toContain("not valid");
    await send(textUpdate(owner, "/start <script>"));
    expect((await lastSaid(owner)).text).toContain("not valid");

    const expired = await startChallenge();
    await env.DB.prepare("UPDATE challenges SET expires_ms = 1 WHERE id = ?").bind(expired.id).run();
    await send(textUpdate(owner, `/start ${expired.code}`));
    expect((await lastSaid(owner)).text).toContain("expired");

    const used = await startChallenge();
    await send(textUpdate(owner, `/start ${used.code}`));
    await send(callbackUpdate(owner, `signin:approve:${used.id}`));
    await send(textUpdate(owner, `/start ${used.code}`));
    expect((await lastSaid(owner)).text).toContain("already used");
  });

  it("the deep link does not carry the challenge id, and the id is not accepted as a code", async () => {
    const owner = freshTelegramId();
    const challenge = await startChallenge();
    expect(challenge.code).not.toContain(challenge.id.replaceAll("-", ""));
    await send(textUpdate(owner, `/start ${challenge.id}`));
    await send(textUpdate(owner, `/start ${challenge.id.replaceAll("-", "")}`));
    expect((await lastSaid(owner)).text).toContain("not valid");
    expect((await verify(challenge.id)).status).toBe(202);
  });

  it("a challenge made for one Telegram user cannot be opened by another", async () => {
    const owner = freshTelegramId();
    const intruder = freshTelegramId();
    const challenge = await startChallenge({ telegram_user_id: owner });
    await send(textUpdate(intruder, `/start ${challenge.code}`));
    expect((await lastSaid(intruder)).text).toContain("another Telegram account");
    await send(textUpdate(owner, `/start ${challenge.code}`));
    expect((await lastSaid(owner)).text).toContain(challenge.confirmation);
  });
});
