import { challengeRequestSchema, verifyRequestSchema } from "@clw/shared";
import { Hono } from "hono";
import { requireOwner } from "../middleware/auth.js";
import type { AppEnv } from "../middleware/context.js";
import { jsonBody } from "../middleware/input.js";
import { admit, clientAddress } from "../services/rate-limit.js";
import { revokeSession } from "../services/sessions.js";
import { createChallenge, verifyChallenge } from "../services/sign-in.js";

/** Sign-in: challenge → (owner approves in Telegram, or test mode) → verify → session; logout. */
export const authRoutes = new Hono<AppEnv>()
  .post("/challenge", async (c) => {
    const body = await jsonBody(c, challengeRequestSchema, true);
    const deps = c.get("deps");
    await admit(deps, [{ key: `challenge:${clientAddress(c.req)}`, limit: deps.config.rateLimit.perUser }]);
    const challenge = await createChallenge(deps, { telegramUser: body.telegram_user_id, clientLabel: body.client_label });
    return c.json(challenge, 201);
  })
  .post("/verify", async (c) => {
    const body = await jsonBody(c, verifyRequestSchema);
    const deps = c.get("deps");
    // Polled every couple of seconds while the owner decides: a generous limit, per address.
    await admit(deps, [{ key: `verify:${clientAddress(c.req)}`, limit: deps.config.rateLimit.perUser * 2 }]);
    const outcome = await verifyChallenge(deps, body.challenge_id.toLowerCase(), "api");
    if (outcome.status === "pending") return c.json({ status: "pending", expires_at: outcome.expires_at }, 202);
    const { status: _approved, ...session } = outcome;
    return c.json(session, 200);
  })
  .post("/logout", requireOwner, async (c) => {
    await revokeSession(c.get("deps"), c.get("auth"), "api");
    return c.json({ ok: true as const });
  });
