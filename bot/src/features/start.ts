import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { BotDeps } from "../deps.js";
import { agentRequestKeyboard, openAppKeyboard, signInKeyboard } from "../keyboards.js";
import * as t from "../texts.js";

const LINK_CODE = /^[0-9a-f]{32}$/;
const AGENT_CODE = /^ag_([0-9a-f]{32})$/;

/** `/start`: the welcome, or (with a deep-link code) a sign-in the owner approves or denies. */
export function startFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const { services } = deps;

  composer.command("start", async (ctx) => {
    const code = ctx.match.trim();
    if (!code) {
      await ctx.reply(t.welcome(), { parse_mode: "HTML", reply_markup: openAppKeyboard(deps.miniAppUrl) });
      return;
    }
    const agentCode = AGENT_CODE.exec(code)?.[1];
    if (agentCode) {
      const request = await services.openAgentRequest(agentCode, ctx.from!.id);
      if (typeof request === "string") return void (await ctx.reply(t.agentRequestProblem[request]));
      await ctx.reply(t.agentRequestPrompt(request), { parse_mode: "HTML", reply_markup: agentRequestKeyboard(request.requestId) });
      return;
    }
    if (!LINK_CODE.test(code)) {
      await ctx.reply(t.signInProblem.unknown);
      return;
    }
    const request = await services.openSignIn(code, ctx.from!.id);
    if (typeof request === "string") {
      await ctx.reply(t.signInProblem[request]);
      return;
    }
    await ctx.reply(t.signInPrompt(request), { parse_mode: "HTML", reply_markup: signInKeyboard(request.challengeId) });
  });

  composer.callbackQuery(/^signin:(approve|deny):([0-9a-f-]{36})$/, async (ctx) => {
    const [, action, challengeId] = ctx.match;
    const outcome = await services.decideSignIn(challengeId!, ctx.from.id, action === "approve");
    if (outcome === "not_yours") {
      await ctx.answerCallbackQuery({ text: t.notYourButton, show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const code = /Code: ([\d ]+)/.exec(ctx.callbackQuery.message?.text ?? "")?.[1] ?? "";
    const text = outcome === "approved" ? t.signInApproved(code) : outcome === "denied" ? t.signInDenied(code) : t.signInGone;
    await ctx.editMessageText(text);
  });

  return composer;
}
