import { createServer, type IncomingMessage, type Server } from "node:http";

/** One Bot API call the bot made. */
export interface BotApiCall {
  method: string;
  payload: Record<string, unknown>;
}

export interface FakeTelegram {
  /** Base URL to use as `TELEGRAM_API_ROOT`. */
  apiRoot: string;
  /** Every call Telegram carried out so far, in order; `GET <apiRoot>/__calls` answers the same as JSON. */
  calls(): BotApiCall[];
  /** Calls refused for breaking Telegram's limits (a message too long, say), with the reason; also `GET <apiRoot>/__refused`. */
  refused(): (BotApiCall & { description: string })[];
  close(): Promise<void>;
}

let nextMessageId = 1000;

function answerFor(method: string, payload: Record<string, unknown>): unknown {
  if (method === "sendMessage" || method === "editMessageText") {
    const chatId = Number(payload.chat_id ?? 0);
    const messageId = method === "sendMessage" ? nextMessageId++ : Number(payload.message_id ?? 0);
    return { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" }, text: payload.text };
  }
  if (method === "getWebhookInfo") return { url: "", has_custom_certificate: false, pending_update_count: 0 };
  return true;
}

/** The characters Telegram counts in an HTML-formatted text: after its tags and entities are parsed. */
function visibleLength(text: string, parseMode: unknown): number {
  if (parseMode !== "HTML") return text.length;
  return text.replace(/<[^>]*>/g, "").replace(/&(lt|gt|amp|quot|#\d+);/g, "_").length;
}

/**
 * Telegram's documented limits on what the bot sends: a message's text 1-4096 characters after
 * entities are parsed, a button's callback data 1-64 bytes. @returns why the call is refused.
 */
function refusal(method: string, payload: Record<string, unknown>): string | null {
  if ((method === "sendMessage" || method === "editMessageText") && typeof payload.text === "string") {
    const length = visibleLength(payload.text, payload.parse_mode);
    if (length === 0) return "Bad Request: message text is empty";
    if (length > 4096) return "Bad Request: message is too long";
  }
  const keyboard = (payload.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  for (const button of keyboard.flat()) {
    if (button.callback_data !== undefined && (button.callback_data.length === 0 || new TextEncoder().encode(button.callback_data).length > 64)) return "Bad Request: BUTTON_DATA_INVALID";
  }
  return null;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}

/**
 * A local stand-in for the Telegram Bot API, for tests and benchmarks: it records every call
 * made with `token` (`POST /bot<token>/<method>`) and answers like Telegram would for the
 * methods the bot uses, refusing what Telegram refuses (see `refusal`) with its 400. Calls with
 * another token get Telegram's 401.
 */
export async function startFakeTelegram(token: string, port = 0): Promise<FakeTelegram> {
  const calls: BotApiCall[] = [];
  const refused: (BotApiCall & { description: string })[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    res.setHeader("content-type", "application/json");
    if (req.method === "GET" && path === "/__calls") return void res.end(JSON.stringify(calls));
    if (req.method === "GET" && path === "/__refused") return void res.end(JSON.stringify(refused));
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(path);
    if (!match || match[1] !== token) {
      res.statusCode = 401;
      return void res.end(JSON.stringify({ ok: false, error_code: 401, description: "Unauthorized" }));
    }
    const payload = await readJson(req);
    const problem = refusal(match[2]!, payload);
    if (problem) {
      refused.push({ method: match[2]!, payload, description: problem });
      res.statusCode = 400;
      return void res.end(JSON.stringify({ ok: false, error_code: 400, description: problem }));
    }
    calls.push({ method: match[2]!, payload });
    res.end(JSON.stringify({ ok: true, result: answerFor(match[2]!, payload) }));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {
    apiRoot: `http://127.0.0.1:${actualPort}`,
    calls: () => [...calls],
    refused: () => [...refused],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
