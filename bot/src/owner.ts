import type { Identity } from "@clw/shared";
import type { Context } from "grammy";
import type { BotServices, BotUser } from "./deps.js";
import * as t from "./texts.js";

/**
 * The owner behind this update and their active keys; when they have none, tells them how to
 * make one and returns null.
 */
export async function ownerKeys(services: BotServices, ctx: Context): Promise<{ user: BotUser; identities: Identity[] } | null> {
  const user = await services.ensureUser(ctx.from!.id);
  const identities = await services.listIdentities(user);
  if (identities.length > 0) return { user, identities };
  await ctx.reply(t.noIdentities);
  return null;
}
