import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Env } from "./env.js";
import { AppError } from "./errors.js";
import type { AppEnv } from "./middleware/context.js";
import { buildDeps, withDeps } from "./middleware/context.js";
import { limitBody } from "./middleware/input.js";
import { DIGEST_CRON, runUpkeep, sendDigest } from "./services/upkeep.js";
import { actionRoutes } from "./routes/actions.js";
import { auditRoutes } from "./routes/audit.js";
import { healthRoutes } from "./routes/health.js";
import { authRoutes } from "./routes/auth.js";
import { identityRoutes } from "./routes/identities.js";
import { policyRoutes } from "./routes/policies.js";
import { signIntentRoutes } from "./routes/sign-intents.js";
import { sessionRoutes } from "./routes/sessions.js";
import { signingRoutes } from "./routes/signing.js";
import { telegramRoutes } from "./routes/telegram.js";
import { telegramAuthRoutes } from "./routes/telegram-auth.js";

const app = new Hono<AppEnv>();

app.use(limitBody);
app.route("/", healthRoutes);

app.use(
  "/v1/*",
  cors({
    origin: (origin, c) => {
      const allowed = (c.env.ALLOWED_ORIGINS ?? "").split(",").map((o: string) => o.trim());
      return allowed.includes(origin) ? origin : null;
    },
    allowHeaders: ["Authorization", "Content-Type", "X-Telegram-Init-Data"],
    allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
    exposeHeaders: ["Retry-After"],
    maxAge: 600,
  }),
);
app.use("/v1/*", withDeps);
app.route("/v1/auth", authRoutes);
app.route("/v1/auth", telegramAuthRoutes);
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

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    const deps = buildDeps(env, ctx);
    await runUpkeep(deps);
    if (controller.cron === DIGEST_CRON) await sendDigest(deps);
  },
} satisfies ExportedHandler<Env>;
