import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.js";
import type { BotDeps } from "../deps.js";
import * as t from "../texts.js";

const REVOKE_ALL = "sessions:revoke-all";

/** `/sessions`: the owner's live sessions, and a button that signs them out everywhere. */
export function sessionsFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const { services } = deps;

  composer.command("sessions", async (ctx) => {
    const user = await services.ensureUser(ctx.from!.id);
    const sessions = await services.listSessions(user);
    if (sessions.length === 0) return void (await ctx.reply(t.noSessions));
    await ctx.finalReply(t.sessionList(sessions), { parse_mode: "HTML", reply_markup: new InlineKeyboard().text("🚪 Sign out everywhere", REVOKE_ALL) });
  });

  composer.callbackQuery(REVOKE_ALL, async (ctx) => {
    const user = await services.ensureUser(ctx.from.id);
    const revoked = await services.revokeAllSessions(user);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(t.sessionsRevoked(revoked));
  });
  return composer;
}
