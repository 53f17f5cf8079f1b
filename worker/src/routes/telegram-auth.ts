import { telegramAuthRequestSchema } from "@clw/shared";
import { Hono } from "hono";
import type { AppEnv } from "../middleware/context.js";
import { jsonBody } from "../middleware/input.js";
import { signInWithInitData } from "../services/init-data.js";
import { admit, clientAddress } from "../services/rate-limit.js";

/** Mini App sign-in: Telegram init data (validated with the bot token) → a normal session. */
export const telegramAuthRoutes = new Hono<AppEnv>().post("/telegram", async (c) => {
  const body = await jsonBody(c, telegramAuthRequestSchema);
  const deps = c.get("deps");
  await admit(deps, [{ key: `telegram-auth:${clientAddress(c.req)}`, limit: deps.config.rateLimit.perUser }]);
  return c.json(await signInWithInitData(deps, body.init_data), 200);
});
