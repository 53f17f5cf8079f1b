import { agentSignInRequestSchema, agentTokenRequestSchema } from "@clw/shared";
import { Hono } from "hono";
import type { AppEnv } from "../middleware/context.js";
import { idempotent } from "../middleware/idempotency.js";
import { jsonBody } from "../middleware/input.js";
import { collectAgentKey, requestAgentSignIn } from "../services/agent-signin.js";
import { admit, clientAddress } from "../services/rate-limit.js";

/**
 * Agent sign-in, a device flow: the agent asks (`POST /v1/auth/agent`), its owner approves in
 * Telegram through the deep link, the agent collects its key once (`POST /v1/auth/agent/token`:
 * 202 while pending, 200 with the key, 403 denied, 404 unknown, expired or collected).
 */
export const agentAuthRoutes = new Hono<AppEnv>()
  .post("/agent", idempotent, async (c) => {
    const body = await jsonBody(c, agentSignInRequestSchema);
    const deps = c.get("deps");
    await admit(deps, [{ key: `agent-signin:${clientAddress(c.req)}`, limit: deps.config.rateLimit.perUser }]);
    return c.json(await requestAgentSignIn(deps, body), 201);
  })
  .post("/agent/token", async (c) => {
    const { request_id } = await jsonBody(c, agentTokenRequestSchema);
    const deps = c.get("deps");
    await admit(deps, [{ key: `agent-token:${clientAddress(c.req)}`, limit: deps.config.rateLimit.perUser * 2 }]);
    const outcome = await collectAgentKey(deps, request_id.toLowerCase());
    return outcome.status === "pending" ? c.json({ status: "pending" as const, expires_at: outcome.expires_at }, 202) : c.json(outcome.issued, 200);
  });
