import { policyUpdateSchema } from "@clw/shared";
import { Hono } from "hono";
import { ownerPresence, requestedBy, requireCredential, requireOwner } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { identityIdParam, jsonBody } from "../middleware/input.js";
import { changePolicy } from "../services/owner-changes.js";
import { getPolicy } from "../services/policies.js";

/**
 * An identity's policy, read and set by its owner. Tightening applies at once; loosening needs
 * the owner present (the Mini App sends fresh init data in `X-Telegram-Init-Data`), otherwise it
 * answers 202 and waits for the owner's confirmation in Telegram.
 */
export const policyRoutes = new Hono<AppEnv>()
  .get("/:id/policy", requireCredential, async (c) => c.json(await getPolicy(c.get("deps"), c.get("auth"), identityIdParam(c))))
  .put("/:id/policy", requireOwner, async (c) => {
    const identityId = identityIdParam(c);
    const update = await jsonBody(c, policyUpdateSchema);
    const deps = c.get("deps");
    const change = { userId: c.get("auth").userId, identityId, presence: ownerPresence(c), source: "api" as const, requestedBy: requestedBy(c) };
    const outcome = await changePolicy(deps, change, update);
    return outcome.status === "done" ? c.json(outcome.result) : c.json(outcome.action, 202);
  });
