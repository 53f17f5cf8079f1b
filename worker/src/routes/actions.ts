import { actionListQuerySchema } from "@clw/shared";
import { Hono } from "hono";
import { requireOwner } from "../middleware/auth.js";
import type { AppContext, AppEnv } from "../middleware/context.js";
import { queryParams, uuidParam } from "../middleware/input.js";
import { cancelOwnerAction, getOwnerActionState, listOwnerActionStates } from "../services/owner-actions.js";

const actionIdParam = (c: AppContext) => uuidParam(c, "action");

/**
 * Changes that wait for the owner's confirmation in Telegram (a loosened policy, a destroy):
 * listed (`?status=pending_confirmation` for those still waiting), one by one, and cancelled.
 */
export const actionRoutes = new Hono<AppEnv>()
  .get("/", requireOwner, async (c) => {
    const { status } = queryParams(c, actionListQuerySchema);
    return c.json({ items: await listOwnerActionStates(c.get("deps"), c.get("auth").userId, status === "pending_confirmation") });
  })
  .get("/:id", requireOwner, async (c) => c.json(await getOwnerActionState(c.get("deps"), c.get("auth").userId, actionIdParam(c))))
  .post("/:id/cancel", requireOwner, async (c) => c.json(await cancelOwnerAction(c.get("deps"), c.get("auth").userId, actionIdParam(c))));
