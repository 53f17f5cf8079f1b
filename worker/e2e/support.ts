import { randomBytes } from "node:crypto";
import { ClwApiError, createClient, type ClwClient } from "@clw/shared";
import { afterAll, beforeAll, expect } from "vitest";
export { randomTelegramUserId, signIn } from "../stack/sign-in.js";
import { startBotStack, type BotStack } from "../stack/bot-stack.js";
import type { FakeTelegram } from "../stack/fake-telegram.js";
import { callbackUpdate, performWebhookAnswer, textUpdate, type Update } from "../stack/telegram-updates.js";
import { startLocalStack, type LocalStack, type LocalStackOptions } from "../stack/local-stack.js";

/**
 * Starts a local stack in `beforeAll` and stops it in `afterAll` for the calling test file.
 * @returns a getter for the running stack; it throws if called before `beforeAll` ran.
 */
export function useLocalStack(options?: LocalStackOptions): () => LocalStack {
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    stack = await startLocalStack(options);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error("the local stack is not running (beforeAll failed?)");
    return stack;
  };
}

/** A random 32-byte digest as 64 lowercase hex characters. */
export function randomDigest(): string {
  return randomBytes(32).toString("hex");
}


/** Awaits `promise` and asserts it failed with a `ClwApiError` of this status and code. */
export async function expectApiError(promise: Promise<unknown>, status: number | number[], code?: string): Promise<ClwApiError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected an error answer ${status}${code ? ` ${code}` : ""}, got success`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClwApiError);
  const apiError = error as ClwApiError;
  expect([status].flat()).toContain(apiError.status);
  if (code) expect(apiError.code).toBe(code);
  return apiError;
}

/** A raw answer: status, headers and the parsed JSON body (null if it was not JSON). */
export interface RawAnswer {
  status: number;
  headers: Headers;
  json: unknown;
}

/**
 * Sends an HTTP request without the typed client, for inputs the client cannot produce.
 * `body` is sent as is when a string, JSON-encoded otherwise. Never throws for error statuses.
 */
export async function rawRequest(
  apiUrl: string,
  method: string,
  path: string,
  init: { token?: string; body?: unknown; contentType?: string } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
  const body = init.body === undefined || typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const res = await fetch(`${apiUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: left as null so the assertion shows the problem
  }
  return { status: res.status, headers: res.headers, json };
}

/** Asserts an error answer: a 4xx (or the given status) with an `{error, code}` JSON body. */
export function expectErrorBody(answer: RawAnswer, status?: number, code?: string): void {
  const detail = JSON.stringify(answer.json);
  if (status) expect(answer.status, detail).toBe(status);
  else expect(answer.status, detail).toBeGreaterThanOrEqual(400);
  expect(answer.status, detail).toBeLessThan(500);
  expect(answer.json).toMatchObject({ error: expect.any(String), code: expect.any(String) });
  if (code) expect((answer.json as { code: string }).code).toBe(code);
}

/** The bot's credentials in a stack started by `useBotStack`. */
export const BOT_TOKEN = "987654321:e2e-token-for-the-local-bot-api";
export const WEBHOOK_SECRET = "e2e-webhook-secret-0123456789";

/** The local Bot API of each running bot stack, by the stack's API URL. */
const botApiRoots = new Map<string, string>();

/**
 * Starts a local Bot API and a local stack whose bot talks to it (token, username, webhook
 * secret set, over any other `vars`) in `beforeAll`, and stops both in `afterAll`.
 * @returns a getter for both; it throws if called before `beforeAll` ran.
 */
export function useBotStack(options: LocalStackOptions = {}): () => BotStack {
  let running: BotStack | undefined;
  beforeAll(async () => {
    running = await startBotStack({ token: BOT_TOKEN, username: "clw_e2e_bot", secret: WEBHOOK_SECRET }, options);
    botApiRoots.set(running.stack.apiUrl, running.telegram.apiRoot);
  });
  afterAll(async () => {
    if (running) botApiRoots.delete(running.stack.apiUrl);
    await running?.stop();
  });
  return () => {
    if (!running) throw new Error("the bot stack is not running (beforeAll failed?)");
    return running;
  };
}

/**
 * POSTs a Telegram update to the stack's webhook, with the secret header unless `secret` is null,
 * and carries out the webhook's answer (a Bot API call in the body) as Telegram would.
 */
export async function postUpdate(apiUrl: string, update: Update, secret: string | null = WEBHOOK_SECRET): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret) headers["x-telegram-bot-api-secret-token"] = secret;
  const res = await fetch(`${apiUrl}/telegram-webhook`, { method: "POST", headers, body: JSON.stringify(update) });
  const answer = await res.text();
  const apiRoot = botApiRoots.get(apiUrl);
  if (res.status === 200 && apiRoot) await performWebhookAnswer(answer, apiRoot, BOT_TOKEN);
  return new Response(answer, { status: res.status, headers: res.headers });
}

type Keyboard = { inline_keyboard?: { callback_data?: string }[][] };

/** What the bot said to a chat so far (sent and edited messages), oldest first. */
export function saidTo(telegram: FakeTelegram, chatId: number): string[] {
  return telegram.calls().filter((c) => (c.method === "sendMessage" || c.method === "editMessageText") && Number(c.payload.chat_id) === chatId).map((c) => String(c.payload.text));
}

/**
 * Waits (up to 5 s) for a message to `chatId` with a button whose callback data starts with
 * `prefix`, e.g. `intent:approve:`. @returns that message's text and the button's data (the newest).
 * @throws when none arrives.
 */
export async function waitForButton(telegram: FakeTelegram, chatId: number, prefix: string): Promise<{ text: string; data: string }> {
  for (let i = 0; i < 50; i++) {
    for (const call of telegram.calls().filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === chatId).reverse()) {
      const data = ((call.payload.reply_markup as Keyboard | undefined)?.inline_keyboard ?? []).flat().find((b) => b.callback_data?.startsWith(prefix))?.callback_data;
      if (data) return { text: String(call.payload.text), data };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no message with a ${prefix} button reached chat ${chatId}`);
}

/**
 * An agent's session, opened the way an agent gets one: it asks for a sign-in link, the owner
 * opens it in Telegram and approves it in chat. @returns the agent's client and token.
 */
export async function agentSession(bot: BotStack, ownerTelegramId: number, label = "e2e agent"): Promise<{ client: ClwClient; token: string }> {
  const client = createClient({ baseUrl: bot.stack.apiUrl });
  const challenge = await client.createChallenge({ client_label: label });
  await postUpdate(bot.stack.apiUrl, textUpdate(ownerTelegramId, `/start ${new URL(challenge.deep_link!).searchParams.get("start")}`));
  const approve = await waitForButton(bot.telegram, ownerTelegramId, `signin:approve:${challenge.challenge_id}`);
  expect((await postUpdate(bot.stack.apiUrl, callbackUpdate(ownerTelegramId, approve.data))).status).toBe(200);
  const verified = await client.verify(challenge.challenge_id);
  if (verified.status !== "approved") throw new Error("the owner's approval did not open the agent's session");
  return { client, token: verified.token };
}

/** POSTs to one of the signer's internal routes with the stack's internal API key. */
export async function callSigner(stack: LocalStack, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${stack.enclaveUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-internal-api-key": stack.secrets.INTERNAL_API_KEY },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The signer's health as its internal key sees it: how many keys it holds and remembers as destroyed. */
export async function signerHealth(stack: LocalStack): Promise<{ keys: number; destroyed: number }> {
  const res = await fetch(`${stack.enclaveUrl}/health`, { headers: { "x-internal-api-key": stack.secrets.INTERNAL_API_KEY } });
  return (await res.json()) as { keys: number; destroyed: number };
}
