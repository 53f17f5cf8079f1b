import type { Policy } from "@clw/shared";
import { parseBitcoinAddress } from "@clw/shared";
import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.js";
import type { BotDeps } from "../deps.js";
import { describeServiceError } from "../errors.js";
import { ownerKeys } from "../owner.js";
import * as t from "../texts.js";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

const toggleKeyboard = (identityId: string, policy: Policy) =>
  new InlineKeyboard().text(policy.require_approval ? "Stop asking me" : "Ask me to approve", `policy:approval:${policy.require_approval ? "off" : "on"}:${identityId}`);

/**
 * A spending rule (daily limit, fee cap, allowlist) cannot cap a raw digest: setting one on a key
 * that signs raw digests without asking makes raw digests need the owner's approval.
 */
const withSpendingRule = (policy: Policy): Policy => (policy.raw_digests === "allow" ? { ...policy, raw_digests: "approval" } : policy);

/** Applies `/policy <key> <setting> <value>` to a policy; a reason string when it does not parse. */
export function applySetting(policy: Policy, setting: string, value: string): Policy | string {
  const sats = value === "off" ? null : /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  switch (setting) {
    case "approval":
      return value === "on" || value === "off" ? { ...policy, require_approval: value === "on" } : "approval takes on or off";
    case "auto":
    case "daily":
    case "fee": {
      if (Number.isNaN(sats)) return `${setting} takes an amount in sats, or off`;
      if (setting === "auto") return { ...policy, auto_approve_max_sats: sats };
      const next = setting === "daily" ? { ...policy, daily_limit_sats: sats } : { ...policy, max_fee_sats: sats };
      return sats === null ? next : withSpendingRule(next);
    }
    case "allow":
      if (value === "any") return { ...policy, allowed_destinations: null };
      if (!parseBitcoinAddress(value)) return "allow takes a valid Bitcoin address, or any";
      return withSpendingRule({ ...policy, allowed_destinations: [...new Set([...(policy.allowed_destinations ?? []), value])] });
    case "raw":
      return value === "allow" || value === "approval" || value === "deny" ? { ...policy, raw_digests: value } : "raw takes allow, approval or deny";
    default:
      return "settings are approval, auto, daily, fee, allow and raw";
  }
}

/**
 * `/policy`: each key's payment policy with a button to turn approval on or off;
 * `/policy <key> approval on|off`, `auto <sats|off>`, `daily <sats|off>`, `allow <address|any>` set it.
 */
export function policyFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  const { services } = deps;

  composer.command("policy", async (ctx) => {
    const owner = await ownerKeys(services, ctx);
    if (!owner) return;
    const { user, identities } = owner;
    const [prefix, setting, value] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (!prefix) {
      for (const identity of identities) {
        const policy = await services.getPolicy(user, identity.id);
        await ctx.reply(t.policyText(identity.id, policy), { parse_mode: "HTML", reply_markup: toggleKeyboard(identity.id, policy) });
      }
      return;
    }
    const identity = identities.find((i) => i.id.startsWith(prefix.toLowerCase()));
    if (!identity) return void (await ctx.reply(t.unknownKey(prefix)));
    const next = applySetting(await services.getPolicy(user, identity.id), setting ?? "", value ?? "");
    if (typeof next === "string") return void (await ctx.reply(`${next}. ${t.policyUsage}`));
    const saved = await services.setPolicy(user, identity.id, next);
    await ctx.reply(t.policyText(identity.id, saved), { parse_mode: "HTML" });
  });

  composer.callbackQuery(new RegExp(`^policy:approval:(on|off):(${UUID})$`), async (ctx) => {
    const [, state, identityId] = ctx.match;
    const user = await services.ensureUser(ctx.from.id);
    try {
      const policy = await services.getPolicy(user, identityId!);
      const saved = await services.setPolicy(user, identityId!, { ...policy, require_approval: state === "on" });
      await ctx.answerCallbackQuery({ text: state === "on" ? "Payments now need your approval." : "Approval turned off." });
      await ctx.editMessageText(t.policyText(identityId!, saved), { parse_mode: "HTML", reply_markup: toggleKeyboard(identityId!, saved) });
    } catch (error) {
      const message = describeServiceError(error);
      if (!message) throw error;
      await ctx.answerCallbackQuery({ text: message, show_alert: true });
    }
  });
  return composer;
}
