import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.js";
import type { BotDeps } from "../deps.js";
import { describeServiceError } from "../errors.js";
import { identityActions } from "../keyboards.js";
import { ownerKeys } from "../owner.js";
import * as t from "../texts.js";

/** `/identities` lists the owner's keys with sign and destroy buttons; `/new` creates one. */
export function identitiesFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const { services } = deps;

  composer.command("identities", async (ctx) => {
    const owner = await ownerKeys(services, ctx);
    if (owner) await ctx.finalReply(t.identityList(owner.identities), { parse_mode: "HTML", reply_markup: identityActions(owner.identities) });
  });

  composer.command("new", async (ctx) => {
    const user = await services.ensureUser(ctx.from!.id);
    try {
      const identity = await services.createIdentity(user);
      const offer = new InlineKeyboard().text("Ask me to approve payments", `policy:approval:on:${identity.id}`);
      await ctx.reply(t.identityCreated(identity), { parse_mode: "HTML", reply_markup: offer });
    } catch (error) {
      const message = describeServiceError(error);
      if (!message) throw error;
      await ctx.reply(message);
    }
  });

  return composer;
}
