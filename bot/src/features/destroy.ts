import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { BotDeps } from "../deps.js";
import { describeServiceError } from "../errors.js";
import { CB, confirmDestroyKeyboard, pickKeyboard } from "../keyboards.js";
import { ownerKeys } from "../owner.js";
import * as t from "../texts.js";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/**
 * `/destroy`: pick a key, read an explicit warning, confirm with a button; only then destroy.
 * The buttons carry the key's id; ownership is checked by the service on every press.
 */
export function destroyFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const { services } = deps;

  composer.command("destroy", async (ctx) => {
    const owner = await ownerKeys(services, ctx);
    if (owner) await ctx.reply(t.pickQuestion(t.pickToDestroy, owner.identities), { reply_markup: pickKeyboard(owner.identities, CB.pickToDestroy, CB.keep) });
  });

  composer.callbackQuery(new RegExp(`^destroy:pick:(${UUID})$`), async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.reply(t.destroyWarning(ctx.match[1]!), { parse_mode: "HTML", reply_markup: confirmDestroyKeyboard(ctx.match[1]!) });
  });

  composer.callbackQuery(new RegExp(`^destroy:confirm:(${UUID})$`), async (ctx) => {
    const identityId = ctx.match[1]!;
    const user = await services.ensureUser(ctx.from.id);
    try {
      await services.destroyIdentity(user, identityId);
    } catch (error) {
      const message = describeServiceError(error);
      if (!message) throw error;
      await ctx.answerCallbackQuery({ text: message, show_alert: true });
      await ctx.editMessageText(message);
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(t.destroyed(identityId), { parse_mode: "HTML" });
  });

  composer.callbackQuery(CB.keep, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(t.destroyKept);
  });

  return composer;
}
