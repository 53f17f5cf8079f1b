import { signBatchRequestSchema, signIntentRequestSchema, signRequestSchema } from "@clw/shared";
import { Hono } from "hono";
import { requireSession, requireSessionToken } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { identityIdParam, jsonBody } from "../middleware/input.js";
import { createSignIntent, signBatch, signWithTicket } from "../services/signing.js";

/** Signing: sign-intent issues a single-use ticket; sign and sign-batch make BIP-340 signatures. */
export const signingRoutes = new Hono<AppEnv>()
  .post("/:id/sign-intent", requireSessionToken, async (c) => {
    const id = identityIdParam(c);
    const { digest } = await jsonBody(c, signIntentRequestSchema);
    return c.json(await createSignIntent(c.get("deps"), c.get("auth"), id, digest), 201);
  })
  .post("/:id/sign", requireSessionToken, async (c) => {
    const id = identityIdParam(c);
    const { digest, ticket } = await jsonBody(c, signRequestSchema);
    return c.json({ signature: await signWithTicket(c.get("deps"), c.get("auth"), id, digest, ticket, "api") });
  })
  .post("/:id/sign-batch", requireSession, async (c) => {
    const id = identityIdParam(c);
    const { digests } = await jsonBody(c, signBatchRequestSchema);
    const list = digests.map((item) => item.digest);
    return c.json({ signatures: await signBatch(c.get("deps"), c.get("auth"), id, list, "api") });
  });
