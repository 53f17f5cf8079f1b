import { Composer } from "grammy";
import { intentOutcomeText } from "../approvals.js";
import type { BotContext } from "../context.js";
import type { BotDeps } from "../deps.js";
import * as t from "../texts.js";

/**
 * Approve / Deny on a payment or signing request. The press itself is the proof that the
 * owner is present: it arrives through the verified webhook from their own Telegram account,
 * and the service checks that account owns the request.
 */
export function approvalsFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  composer.callbackQuery(/^intent:(approve|deny):([0-9a-f-]{36})$/, async (ctx) => {
    const [, action, intentId] = ctx.match;
    const outcome = await deps.services.decideIntent(intentId!, ctx.from.id, action === "approve");
    if (outcome === "not_yours") {
      await ctx.answerCallbackQuery({ text: t.notYourButton, show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(intentOutcomeText(outcome, "chat"));
  });
  return composer;
}
