import { LIMITS } from "@clw/shared";
import { createMiddleware } from "hono/factory";
import { releaseIdempotencyKey, reserveIdempotencyKey, storeIdempotentAnswer } from "../db/idempotency.js";
import { AppError, badRequest } from "../errors.js";
import { sha256Hex } from "../services/random.js";
import { clientAddress } from "../services/rate-limit.js";
import type { AppContext, AppEnv } from "./context.js";

/** Whose keys these are: each session and each agent key has its own; unauthenticated calls are kept per address. */
function credentialOf(c: AppContext): string {
  const auth = c.get("auth");
  if (auth?.agent) return `agent:${auth.agent.id}`;
  if (auth?.sessionId) return `session:${auth.sessionId}`;
  return `address:${clientAddress(c.req)}`;
}

/**
 * `Idempotency-Key`: the same key with the same request (method, path, body) within 24 hours is
 * answered with the first successful answer again, without doing anything twice; the same key
 * with another request is 422; while the first is still being answered, 409. An answer that was
 * not a success is not kept, so the request may be retried with the same key. Mount it after the
 * route's authentication, so keys are per credential.
 */
export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return next();
  if (!/^[\x21-\x7e]+$/.test(key) || key.length > LIMITS.maxIdempotencyKey) {
    throw badRequest(`Idempotency-Key must be 1-${LIMITS.maxIdempotencyKey} printable characters without spaces`);
  }
  const { dbh } = c.get("deps");
  const { db } = dbh;
  const credential = credentialOf(c);
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const existing = await reserveIdempotencyKey(dbh, { credential, idem_key: key, request_hash: requestHash, status: 0, response: null, created_ms: c.get("deps").now() });
  if (existing) {
    if (existing.request_hash !== requestHash) throw new AppError(422, "idempotency_mismatch", "this Idempotency-Key was used with another request");
    if (existing.status === 0) throw new AppError(409, "idempotency_in_progress", "a request with this Idempotency-Key is still being answered; retry shortly");
    return c.body(existing.response ?? "", existing.status as 200, { "content-type": "application/json; charset=UTF-8", "idempotent-replayed": "true" });
  }
  await next();
  if (c.res.status >= 200 && c.res.status < 300) {
    await storeIdempotentAnswer(db, credential, key, c.res.status, await c.res.clone().text());
  } else {
    await releaseIdempotencyKey(db, credential, key);
  }
});
