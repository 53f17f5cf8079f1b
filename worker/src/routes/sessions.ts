import { Hono } from "hono";
import { requireOwner } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { listSessions, revokeAllSessions } from "../services/sessions.js";

/** The owner's sessions: the live ones listed, and all of them revoked at once. */
export const sessionRoutes = new Hono<AppEnv>()
  .get("/", requireOwner, async (c) => {
    const auth = c.get("auth");
    return c.json({ items: await listSessions(c.get("deps"), auth.userId, auth.sessionId) });
  })
  .post("/revoke-all", requireOwner, async (c) => {
    const revoked = await revokeAllSessions(c.get("deps"), c.get("auth").userId, "api");
    return c.json({ ok: true as const, revoked });
  });
