import { z } from "zod";
import { Hono } from "hono";
import { requireSession } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { identityIdParam, jsonBody } from "../middleware/input.js";
import { createIdentity, destroyIdentity, getOwnedIdentity, listIdentities, restoreIdentity } from "../services/identities.js";

const emptyBody = z.strictObject({});

/** Identities: list, create, destroy, restore from the sealed backup. */
export const identityRoutes = new Hono<AppEnv>()
  .get("/", requireSession, async (c) => c.json({ items: await listIdentities(c.get("deps"), c.get("auth").userId) }))
  .post("/", requireSession, async (c) => {
    await jsonBody(c, emptyBody, true);
    return c.json(await createIdentity(c.get("deps"), c.get("auth").userId, "api"), 201);
  })
  .delete("/:id", requireSession, async (c) => {
    const id = identityIdParam(c);
    await destroyIdentity(c.get("deps"), c.get("auth").userId, id, "api");
    return c.json({ ok: true as const });
  })
  .post("/:id/restore", requireSession, async (c) => {
    const id = identityIdParam(c);
    await jsonBody(c, emptyBody, true);
    const deps = c.get("deps");
    const identity = await getOwnedIdentity(deps, c.get("auth").userId, id);
    return c.json(await restoreIdentity(deps, identity, "api", "requested"));
  });
