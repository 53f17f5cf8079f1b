import { idSchema } from "@clw/shared";
import { Hono } from "hono";
import { badRequest } from "../errors.js";
import { requireOwner } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { getOwnerActionState } from "../services/owner-actions.js";

/** Changes that wait for the owner's confirmation in Telegram (a loosened policy, a destroy): where they stand. */
export const actionRoutes = new Hono<AppEnv>().get("/:id", requireOwner, async (c) => {
  const parsed = idSchema.safeParse(c.req.param("id"));
  if (!parsed.success) throw badRequest("the action id must be a UUID", "invalid_id");
  return c.json(await getOwnerActionState(c.get("deps"), c.get("auth").userId, parsed.data.toLowerCase()));
});
