import { signBatchRequestSchema, signIntentRequestSchema, signRequestSchema } from "@clw/shared";
import { Hono } from "hono";
import { requireSession, requireSessionToken } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { identityIdParam, jsonBody } from "../middleware/input.js";
import { signWithTicket } from "../services/signatures.js";
import { createSignIntent, signBatch } from "../services/signing.js";

/**
 * Signing: sign-intent applies the identity's policy and issues a single-use ticket (201) or a
 * request for the owner's approval (202); sign and sign-batch make BIP-340 signatures.
 */
export const signingRoutes = new Hono<AppEnv>()
  .post("/:id/sign-intent", requireSessionToken, async (c) => {
    const id = identityIdParam(c);
    const { digest, payment } = await jsonBody(c, signIntentRequestSchema);
    const auth = c.get("auth");
    const requestedBy = auth.sessionId ? `API session ${auth.sessionId.slice(0, 8)}` : null;
    const outcome = await createSignIntent(c.get("deps"), auth, id, { digest, payment, requestedBy }, "api");
    return outcome.status === "ticket" ? c.json(outcome.intent, 201) : c.json(outcome.pending, 202);
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
