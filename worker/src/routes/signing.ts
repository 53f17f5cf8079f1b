import { carriesPsbt, digestIntentRequestSchema, digestSignRequestSchema, psbtIntentRequestSchema, psbtSignRequestSchema, signBatchRequestSchema } from "@clw/shared";
import { Hono } from "hono";
import { requestedBy, requireCredential, requireCredentialToken } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { idempotent } from "../middleware/idempotency.js";
import { identityIdParam, jsonBody } from "../middleware/input.js";
import { signPsbtWithTicket, signWithTicket } from "../services/signatures.js";
import { createSignIntent, signBatch, type SignSubject } from "../services/signing.js";

const intentBody = (body: unknown) => (carriesPsbt(body) ? psbtIntentRequestSchema : digestIntentRequestSchema);
const signBody = (body: unknown) => (carriesPsbt(body) ? psbtSignRequestSchema : digestSignRequestSchema);

/**
 * Signing: sign-intent applies the identity's policy (to a PSBT's real outputs, or to a raw
 * digest by its own rule) and issues a single-use ticket (201) or a request for the owner's
 * approval (202); sign and sign-batch make BIP-340 signatures.
 */
export const signingRoutes = new Hono<AppEnv>()
  .post("/:id/sign-intent", requireCredentialToken, idempotent, async (c) => {
    const id = identityIdParam(c);
    const body = await jsonBody(c, intentBody);
    const subject: SignSubject = "psbt" in body ? { kind: "psbt", psbt: body.psbt } : { kind: "digest", digest: body.digest, payment: body.payment };
    const outcome = await createSignIntent(c.get("deps"), c.get("auth"), id, { subject, requestedBy: requestedBy(c) }, "api");
    return outcome.status === "ticket" ? c.json(outcome.intent, 201) : c.json(outcome.pending, 202);
  })
  .post("/:id/sign", requireCredentialToken, async (c) => {
    const id = identityIdParam(c);
    const body = await jsonBody(c, signBody);
    const deps = c.get("deps");
    if ("psbt" in body) return c.json(await signPsbtWithTicket(deps, c.get("auth"), id, body.psbt, body.ticket, body.finalize ?? false, "api"));
    return c.json({ signature: await signWithTicket(deps, c.get("auth"), id, body.digest, body.ticket, "api") });
  })
  .post("/:id/sign-batch", requireCredential, idempotent, async (c) => {
    const id = identityIdParam(c);
    const { digests } = await jsonBody(c, signBatchRequestSchema);
    const list = digests.map((item) => item.digest);
    return c.json({ signatures: await signBatch(c.get("deps"), c.get("auth"), id, list, "api") });
  });
