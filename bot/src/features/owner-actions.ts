import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { BotDeps } from "../deps.js";
import { ownerActionOutcomeText } from "../owner-actions.js";
import * as t from "../texts.js";

/**
 * Confirm / Cancel on a change asked for without the owner (a loosened policy, a destroy). The
 * press is the proof of presence: it arrives through the verified webhook from their own account,
 * and the service checks that account owns the change.
 */
export function ownerActionsFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  composer.callbackQuery(/^action:(confirm|deny):([0-9a-f-]{36})$/, async (ctx) => {
    const [, decision, actionId] = ctx.match;
    const outcome = await deps.services.decideOwnerAction(actionId!, ctx.from.id, decision === "confirm");
    if (outcome === "not_yours") {
      await ctx.answerCallbackQuery({ text: t.notYourButton, show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ownerActionOutcomeText(outcome));
  });
  return composer;
}
