import { auditQuerySchema } from "@clw/shared";
import { Hono } from "hono";
import { requireOwner } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { queryParams } from "../middleware/input.js";
import { auditPage } from "../services/audit.js";

/** The owner's audit trail, newest first, paginated with `limit` and `offset`. */
export const auditRoutes = new Hono<AppEnv>()
  .get("/", requireOwner, async (c) => {
    const { limit, offset } = queryParams(c, auditQuerySchema);
    return c.json(await auditPage(c.get("deps"), c.get("auth").userId, limit, offset));
  });
