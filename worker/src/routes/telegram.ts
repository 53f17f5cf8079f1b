import { botInfoFromConfig, createBot } from "@clw/bot";
import { webhookCallback } from "grammy";
import { Hono } from "hono";
import { AppError } from "../errors.js";
import type { AppEnv } from "../middleware/context.js";
import { createBotServices, createConversationStorage } from "../services/bot-services.js";

/**
 * `POST /telegram-webhook`: Telegram's updates for the bot. Only requests that carry the
 * webhook's secret token get in (grammY compares it in constant time and answers 401 otherwise).
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
  return webhookCallback(bot, "hono", { secretToken: webhookSecret })(c);
});
