import { actionListQuerySchema, idSchema } from "@clw/shared";
import { Hono } from "hono";
import { badRequest } from "../errors.js";
import { requireOwner } from "../middleware/auth.js";
import type { AppContext, AppEnv } from "../middleware/context.js";
import { queryParams } from "../middleware/input.js";
import { cancelOwnerAction, getOwnerActionState, listOwnerActionStates } from "../services/owner-actions.js";

function actionIdParam(c: AppContext): string {
  const parsed = idSchema.safeParse(c.req.param("id"));
  if (!parsed.success) throw badRequest("the action id must be a UUID", "invalid_id");
  return parsed.data.toLowerCase();
}

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
