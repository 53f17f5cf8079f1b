import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { BotDeps } from "../deps.js";
import * as t from "../texts.js";

/** `/audit`: the owner's last 10 events, in words. */
export function auditFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  composer.command("audit", async (ctx) => {
    const user = await deps.services.ensureUser(ctx.from!.id);
    const events = await deps.services.recentAudit(user, 10);
    await ctx.finalReply(events.length ? t.activity(events) : t.noActivity, { parse_mode: "HTML" });
  });
  return composer;
}
