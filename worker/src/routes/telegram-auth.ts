import { telegramAuthRequestSchema } from "@clw/shared";
import { Hono } from "hono";
import type { AppEnv } from "../middleware/context.js";
import { jsonBody } from "../middleware/input.js";
import { signInWithInitData } from "../services/init-data.js";
import { enforceRateLimits } from "../services/rate-limit.js";

/** Mini App sign-in: Telegram init data (validated with the bot token) → a normal session. */
export const telegramAuthRoutes = new Hono<AppEnv>().post("/telegram", async (c) => {
  const body = await jsonBody(c, telegramAuthRequestSchema);
  const deps = c.get("deps");
  const client = c.req.header("cf-connecting-ip") ?? "local";
  await enforceRateLimits(deps, [{ key: `telegram-auth:${client}`, limit: deps.config.rateLimit.perUser }]);
  return c.json(await signInWithInitData(deps, body.init_data), 200);
});
