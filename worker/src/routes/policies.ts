import { policySchema } from "@clw/shared";
import { Hono } from "hono";
import { requireSession } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { identityIdParam, jsonBody } from "../middleware/input.js";
import { getPolicy, setPolicy } from "../services/policies.js";

/** An identity's payment policy, read and set by its owner. */
export const policyRoutes = new Hono<AppEnv>()
  .get("/:id/policy", requireSession, async (c) => c.json(await getPolicy(c.get("deps"), c.get("auth").userId, identityIdParam(c))))
  .put("/:id/policy", requireSession, async (c) => {
    const id = identityIdParam(c);
    const policy = await jsonBody(c, policySchema);
    return c.json(await setPolicy(c.get("deps"), c.get("auth").userId, id, policy, "api"));
  });
