import { botInfoFromConfig, createBot } from "@clw/bot";
import { webhookCallback } from "grammy";
import { Hono } from "hono";
import { AppError } from "../errors.js";
import type { AppEnv } from "../middleware/context.js";
import { createBotServices, createConversationStorage } from "../services/bot-services.js";

/**
 * `POST /telegram-webhook`: Telegram's updates for the bot. Only requests that carry the
 * webhook's secret token get in (grammY compares it in constant time and answers 401 otherwise).
 * A handler's `finalReply` goes back as this response's body, which Telegram sends as the
 * message. grammY's "cloudflare-mod" adapter on the raw request: its "hono" adapter (1.46.0)
 * JSON-encodes that body a second time, and Telegram would drop the message.
 */
export const telegramRoutes = new Hono<AppEnv>().post("/telegram-webhook", async (c) => {
  const deps = c.get("deps");
  const { botToken, botUsername, webhookSecret, apiRoot } = deps.config.telegram;
  if (!botToken || !botUsername || !webhookSecret) {
    throw new AppError(503, "misconfigured", "the bot is not configured: set TELEGRAM_BOT_TOKEN, TELEGRAM_BOT_USERNAME and TELEGRAM_WEBHOOK_SECRET");
  }
  const conversationStorage = createConversationStorage(deps);
  const bot = createBot({
    token: botToken,
    botInfo: botInfoFromConfig(botToken, botUsername),
    apiRoot,
    miniAppUrl: deps.config.miniAppUrl,
    services: createBotServices(deps, conversationStorage),
    conversationStorage,
  });
  return webhookCallback(bot, "cloudflare-mod", { secretToken: webhookSecret })(c.req.raw);
});
