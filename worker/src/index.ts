import { app } from "./app.js";
import type { Env } from "./env.js";
import { buildDeps } from "./middleware/context.js";
import { DIGEST_CRON, runUpkeep, sendDigest } from "./services/upkeep.js";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    const deps = buildDeps(env, ctx);
    await runUpkeep(deps);
    if (controller.cron === DIGEST_CRON) await sendDigest(deps);
  },
} satisfies ExportedHandler<Env>;
