import { createIdentityRequestSchema, restoreRequestSchema } from "@clw/shared";
import { Hono } from "hono";
import { AppError } from "../errors.js";
import { ownerPresence, requestedBy, requireCredential, requireOwner } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { idempotent } from "../middleware/idempotency.js";
import { identityIdParam, jsonBody } from "../middleware/input.js";
import { createIdentity, getOwnedIdentity, listIdentities, restoreIdentity } from "../services/identities.js";
import { destroyWithOwner } from "../services/owner-changes.js";

/**
 * Identities: list, create, destroy (with the owner present, or 202 until they confirm in
 * Telegram), restore from the sealed backup.
 */
export const identityRoutes = new Hono<AppEnv>()
  .get("/", requireCredential, async (c) => c.json({ items: await listIdentities(c.get("deps"), c.get("auth")) }))
  .post("/", requireOwner, idempotent, async (c) => {
    await jsonBody(c, createIdentityRequestSchema, true);
    return c.json(await createIdentity(c.get("deps"), c.get("auth").userId, "api"), 201);
  })
  .delete("/:id", requireOwner, async (c) => {
    const identityId = identityIdParam(c);
    const change = { userId: c.get("auth").userId, identityId, presence: ownerPresence(c), source: "api" as const, requestedBy: requestedBy(c) };
    const outcome = await destroyWithOwner(c.get("deps"), change);
    return outcome.status === "done" ? c.json({ ok: true as const }) : c.json(outcome.action, 202);
  })
  .post("/:id/restore", requireOwner, async (c) => {
    const id = identityIdParam(c);
    const body = await jsonBody(c, restoreRequestSchema, true);
    const deps = c.get("deps");
    const identity = await getOwnedIdentity(deps, c.get("auth").userId, id);
    // The caller's key is a claim to check, never a source: the key comes from the sealed backup.
    if (body.public_key !== undefined && body.public_key !== identity.public_key) {
      throw new AppError(409, "key_conflict", "public_key is not this identity's key; the key is restored from its sealed backup only");
    }
    return c.json(await restoreIdentity(deps, identity, "api", "requested"));
  });
