import { conversations, type ConversationData, type VersionedStateStorage } from "@grammyjs/conversations";
import { Bot, type BotError, type Middleware } from "grammy";
import type { BotContext } from "./context.js";
import type { BotDeps } from "./deps.js";
import { agentsFeature } from "./features/agents.js";
import { approvalsFeature } from "./features/approvals.js";
import { auditFeature } from "./features/audit.js";
import { destroyFeature } from "./features/destroy.js";
import { helpFeature } from "./features/help.js";
import { identitiesFeature } from "./features/identities.js";
import { ownerActionsFeature } from "./features/owner-actions.js";
import { policyFeature } from "./features/policy.js";
import { sessionsFeature } from "./features/sessions.js";
import { signFeature } from "./features/sign.js";
import { startFeature } from "./features/start.js";
import * as t from "./texts.js";

export type { BotContext } from "./context.js";
export * from "./deps.js";
export { COMMANDS } from "./texts.js";
export * from "./approvals.js";
export * from "./owner-actions.js";

/**
 * The clw.cash bot as a library: the Worker hands it the services and mounts it on its webhook.
 * Updates are acted on once (by `update_id`), only in private chats, and an error in one handler
 * is logged and answered with an apology without taking the webhook down.
 */
export function createBot(deps: BotDeps): Bot<BotContext> {
  // Set by `finalReply` for the one sendMessage that follows; used by a webhook, once.
  let answerInWebhook = false;
  const canUseWebhookReply = (method: string) => {
    const use = answerInWebhook && method === "sendMessage";
    answerInWebhook = false;
    return use;
  };
  const bot = new Bot<BotContext>(deps.token, { botInfo: deps.botInfo, client: { apiRoot: deps.apiRoot, canUseWebhookReply } });
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error));

  bot.use(async (ctx, next) => {
    answerInWebhook = false;
    ctx.finalReply = async (text, options) => {
      answerInWebhook = true;
      await ctx.reply(text, options);
    };
    if (!(await deps.services.beginUpdate(ctx.update.update_id, ctx.chatId))) return;
    if (ctx.chat && ctx.chat.type !== "private") return;
    if (!ctx.from) return;
    if (!(await deps.services.admitUpdate(ctx.from.id))) {
      // Flooding gets no message back (that would amplify it), only a note on a pressed button.
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t.rateLimited }).catch(() => undefined);
      return;
    }
    await next();
  });
  const storage = deps.conversationStorage as VersionedStateStorage<string, ConversationData>;
  bot.use(conversations({ storage: { type: "key", adapter: storage, getStorageKey: (ctx) => ctx.chatId?.toString() } }));
  bot.command("cancel", async (ctx) => {
    const active = Object.keys(await ctx.conversation.active()).length > 0;
    await ctx.conversation.exitAll();
    await ctx.reply(active ? t.cancelled : t.nothingToCancel);
  });

  const features: Middleware<BotContext>[] = [
    startFeature(deps),
    approvalsFeature(deps),
    ownerActionsFeature(deps),
    signFeature(deps),
    identitiesFeature(deps),
    destroyFeature(deps),
    policyFeature(deps),
    sessionsFeature(deps),
    agentsFeature(deps),
    auditFeature(deps),
    helpFeature(),
  ];
  const boundary = async (error: BotError<BotContext>) => {
    log(`bot: update ${error.ctx.update.update_id} failed`, error.error);
    await error.ctx.reply(t.apology).catch(() => undefined);
  };
  for (const feature of features) bot.errorBoundary(boundary).use(feature);
  bot.catch(boundary);
  return bot;
}
