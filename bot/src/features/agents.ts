import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.js";
import type { BotDeps } from "../deps.js";
import { describeServiceError } from "../errors.js";
import * as t from "../texts.js";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/**
 * `/agents`: the owner's agent keys with last use and a Revoke button; `/agents new <name>` makes
 * one (the owner is present in chat). Approve / Deny on an agent's sign-in from its deep link.
 */
export function agentsFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const { services } = deps;

  composer.command("agents", async (ctx) => {
    const user = await services.ensureUser(ctx.from!.id);
    const [verb, ...rest] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (verb === "new") {
      const name = rest.join(" ").slice(0, 64);
      if (!name) return void (await ctx.reply(t.agentUsage));
      return void (await ctx.reply(t.agentCreated(await services.createAgentKey(user, name)), { parse_mode: "HTML" }));
    }
    if (verb) return void (await ctx.reply(t.agentUsage));
    const agents = (await services.listAgents(user)).filter((a) => a.revoked_at === null);
    if (agents.length === 0) return void (await ctx.reply(t.noAgents));
    const keyboard = new InlineKeyboard();
    for (const agent of t.firstListed(agents, t.MAX_LISTED / 2).shown) keyboard.text(`🔒 Revoke ${agent.name.slice(0, 24)}`, `agent:revoke:${agent.id}`).row();
    await ctx.finalReply(t.agentList(agents), { parse_mode: "HTML", reply_markup: keyboard });
  });

  composer.callbackQuery(new RegExp(`^agent:revoke:(${UUID})$`), async (ctx) => {
    const user = await services.ensureUser(ctx.from.id);
    try {
      const agent = await services.revokeAgent(user, ctx.match[1]!);
      await ctx.answerCallbackQuery();
      await ctx.reply(t.agentRevoked(agent), { parse_mode: "HTML" });
    } catch (error) {
      const message = describeServiceError(error);
      if (!message) throw error;
      await ctx.answerCallbackQuery({ text: message, show_alert: true });
    }
  });

  composer.callbackQuery(new RegExp(`^agent:(approve|deny):(${UUID})$`), async (ctx) => {
    const [, action, requestId] = ctx.match;
    let outcome;
    try {
      outcome = await services.decideAgentRequest(requestId!, ctx.from.id, action === "approve");
    } catch (error) {
      if ((error as { code?: string }).code !== "bad_request") throw error;
      await ctx.answerCallbackQuery({ text: t.agentNotYours, show_alert: true });
      return;
    }
    if (outcome === "not_yours") return void (await ctx.answerCallbackQuery({ text: t.notYourButton, show_alert: true }));
    await ctx.answerCallbackQuery();
    const code = /Code: ([\d ]+)/.exec(ctx.callbackQuery.message?.text ?? "")?.[1] ?? "";
    await ctx.editMessageText(outcome === "approved" ? t.agentApproved(code) : outcome === "denied" ? t.agentDenied(code) : t.signInGone);
  });
  return composer;
}
