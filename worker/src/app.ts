/**
 * The Hono app: body limit, CORS, the REST sub-apps and the bot's webhook, one error format.
 * `index.ts` exports it to the runtime with the scheduled upkeep.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { AppError } from "./errors.js";
import type { AppEnv } from "./middleware/context.js";
import { withDeps } from "./middleware/context.js";
import { limitBody } from "./middleware/input.js";
import { actionRoutes } from "./routes/actions.js";
import { agentAuthRoutes } from "./routes/agent-auth.js";
import { agentRoutes } from "./routes/agents.js";
import { auditRoutes } from "./routes/audit.js";
import { healthRoutes } from "./routes/health.js";
import { openApiRoutes } from "./routes/openapi.js";
import { authRoutes } from "./routes/auth.js";
import { identityRoutes } from "./routes/identities.js";
import { policyRoutes } from "./routes/policies.js";
import { signIntentRoutes } from "./routes/sign-intents.js";
import { sessionRoutes } from "./routes/sessions.js";
import { signingRoutes } from "./routes/signing.js";
import { telegramRoutes } from "./routes/telegram.js";
import { telegramAuthRoutes } from "./routes/telegram-auth.js";

export const app = new Hono<AppEnv>();

app.use(limitBody);
app.route("/", healthRoutes);
app.route("/", openApiRoutes);

app.use(
  "/v1/*",
  cors({
    origin: (origin, c) => {
      const allowed = (c.env.ALLOWED_ORIGINS ?? "").split(",").map((o: string) => o.trim());
      return allowed.includes(origin) ? origin : null;
    },
    allowHeaders: ["Authorization", "Content-Type", "X-Telegram-Init-Data", "Idempotency-Key"],
    allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
    exposeHeaders: ["Retry-After", "Idempotent-Replayed"],
    maxAge: 600,
  }),
);
app.use("/v1/*", withDeps);
app.route("/v1/auth", authRoutes);
app.route("/v1/auth", telegramAuthRoutes);
app.route("/v1/auth", agentAuthRoutes);
app.route("/v1/agents", agentRoutes);
app.route("/v1/identities", identityRoutes);
app.route("/v1/identities", signingRoutes);
app.route("/v1/identities", policyRoutes);
app.route("/v1/sign-intents", signIntentRoutes);
app.route("/v1/actions", actionRoutes);
app.route("/v1/sessions", sessionRoutes);
app.route("/v1/audit", auditRoutes);
app.use("/telegram-webhook", withDeps);
app.route("/", telegramRoutes);

app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}`, code: "not_found" }, 404));

app.onError((error, c) => {
  if (error instanceof AppError) {
    return c.json({ error: error.message, code: error.code }, error.status, error.headers);
  }
  console.error(`unhandled error on ${c.req.method} ${c.req.path}:`, error);
  return c.json({ error: "internal error", code: "internal_error" }, 500);
});

