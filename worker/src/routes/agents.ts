import { agentCreateRequestSchema } from "@clw/shared";
import { Hono } from "hono";
import { AppError } from "../errors.js";
import { ownerPresence, requireCredential, requireOwner } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { jsonBody, uuidParam } from "../middleware/input.js";
import { checkGrantIdentities, describeCredentialAgent, issueAgentKey, listAgents, revokeAgent } from "../services/agents.js";

/**
 * The owner's agent keys: listed, revoked at once, and made from the Mini App with fresh init data
 * (`X-Telegram-Init-Data`); a session token alone never mints one (an agent asks with
 * `POST /v1/auth/agent`, or the owner uses `/agents` in the bot). `GET /v1/agents/me` tells an
 * agent key what it is and what it may do.
 */
export const agentRoutes = new Hono<AppEnv>()
  .get("/", requireOwner, async (c) => c.json({ items: await listAgents(c.get("deps"), c.get("auth").userId) }))
  .get("/me", requireCredential, async (c) => c.json(await describeCredentialAgent(c.get("deps"), c.get("auth"))))
  .post("/", requireOwner, async (c) => {
    const body = await jsonBody(c, agentCreateRequestSchema);
    const deps = c.get("deps");
    const userId = c.get("auth").userId;
    const identityIds = body.identity_ids ?? null;
    // Checked before the proof of presence, so a refused grant does not spend the launch's one proof.
    await checkGrantIdentities(deps, userId, identityIds);
    const presence = await ownerPresence(c)();
    if (presence === "none" && !deps.testMode) {
      throw new AppError(403, "approval_required", "making an agent key needs the owner in Telegram: use the Mini App inside Telegram, /agents in the bot, or agent sign-in");
    }
    const grant = { userId, name: body.name, identityIds, permissions: body.permissions ?? ["sign" as const, "read" as const], expiresInSeconds: body.expires_in ?? null, via: presence === "miniapp" ? ("miniapp" as const) : ("test" as const) };
    return c.json(await issueAgentKey(deps, grant, presence === "miniapp" ? "miniapp" : "api"), 201);
  })
  .delete("/:id", requireOwner, async (c) => {
    return c.json(await revokeAgent(c.get("deps"), c.get("auth").userId, uuidParam(c, "agent key"), "api"));
  });
