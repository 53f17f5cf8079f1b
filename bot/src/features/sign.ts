import { normalizeDigest, type TransactionSummary } from "@clw/shared";
import { createConversation } from "@grammyjs/conversations";
import { Composer } from "grammy";
import type { BotContext, BotConversation, InnerContext } from "../context.js";
import type { BotDeps, BotServices } from "../deps.js";
import { describeServiceError } from "../errors.js";
import { CB, confirmSignKeyboard, pickKeyboard } from "../keyboards.js";
import * as t from "../texts.js";

const CONVERSATION = "sign";
const PICK = /^sign:(pick:[0-9a-f-]{36}|cancel)$/;

/**
 * The `/sign` conversation: pick a key, send a digest (another try on a bad one), confirm,
 * receive the BIP-340 signature. `/cancel` leaves at any step.
 */
function signConversation(services: BotServices) {
  return async function sign(conversation: BotConversation, ctx: InnerContext, presetIdentityId?: string) {
    const telegramUserId = ctx.from!.id;
    const { user, identities } = await conversation.external(async () => {
      const owner = await services.ensureUser(telegramUserId);
      return { user: owner, identities: await services.listIdentities(owner) };
    });
    if (identities.length === 0) return void (await ctx.reply(t.noIdentities));

    let identityId = identities.find((i) => i.id === presetIdentityId)?.id ?? (identities.length === 1 ? identities[0]!.id : undefined);
    if (!identityId) {
      await ctx.reply(t.pickQuestion(t.pickToSign, identities), { reply_markup: pickKeyboard(identities, CB.pickToSign, CB.cancelSign) });
      const picked = await conversation.waitForCallbackQuery(PICK, { otherwise: (c) => c.reply(t.useButtons) });
      await picked.answerCallbackQuery();
      if (picked.callbackQuery.data === CB.cancelSign) return void (await picked.editMessageText(t.cancelled));
      identityId = picked.callbackQuery.data.slice("sign:pick:".length);
    }

    const chosen = identityId;
    await ctx.reply(t.askDigest(identityId), { parse_mode: "HTML" });
    const subject = await waitForSubject(conversation, (psbt) => services.describePsbt(user, chosen, psbt));

    const messages = subject.kind === "digest" ? [t.confirmSign(identityId, subject.digest)] : t.confirmPsbt(identityId, subject.summary);
    for (const [i, text] of messages.entries()) await ctx.reply(text, { parse_mode: "HTML", ...(i === messages.length - 1 ? { reply_markup: confirmSignKeyboard } : {}) });
    const decision = await conversation.waitForCallbackQuery([CB.confirmSign, CB.cancelSign], { otherwise: (c) => c.reply(t.useButtons) });
    await decision.answerCallbackQuery();
    if (decision.callbackQuery.data === CB.cancelSign) return void (await decision.editMessageText(t.cancelled));

    const result = await conversation.external(async (): Promise<{ said: string[] } | { error: string }> => {
      try {
        if (subject.kind === "digest") return { said: [t.signed(await services.signDigest(user, chosen, subject.digest))] };
        return { said: t.signedPsbt(await services.signPsbt(user, chosen, subject.psbt)) };
      } catch (error) {
        const message = describeServiceError(error);
        if (!message) throw error;
        return { error: message };
      }
    });
    await decision.editMessageReplyMarkup();
    for (const text of "said" in result ? result.said : [result.error]) await ctx.reply(text, { parse_mode: "HTML" });
  };
}

type Subject = { kind: "digest"; digest: string } | { kind: "psbt"; psbt: string; summary: TransactionSummary };

/** A PSBT pasted as base64 (its magic bytes `psbt\xff` read `cHNidP8` in base64). */
const PSBT_PREFIX = "cHNidP8";

/**
 * Waits until the owner sends a valid digest or a PSBT this key can sign, explaining what is
 * wrong with each bad one (a PSBT is decoded by the service, so the owner sees what it does).
 */
async function waitForSubject(conversation: BotConversation, describe: (psbt: string) => Promise<TransactionSummary>): Promise<Subject> {
  for (;;) {
    const answer = await conversation.waitFor("message:text", { otherwise: (c) => c.reply(t.sendDigestText) });
    const text = answer.message.text.trim();
    if (text.startsWith(PSBT_PREFIX)) {
      const psbt = text.replace(/\s+/g, "");
      const decoded = await conversation.external(async (): Promise<{ summary: TransactionSummary } | { error: string }> => {
        try {
          return { summary: await describe(psbt) };
        } catch (error) {
          const message = describeServiceError(error);
          if (!message) throw error;
          return { error: message };
        }
      });
      if ("summary" in decoded) return { kind: "psbt", psbt, summary: decoded.summary };
      await answer.reply(decoded.error);
      continue;
    }
    const digest = normalizeDigest(text);
    if (digest) return { kind: "digest", digest };
    await answer.reply(text.startsWith("/") ? t.sendDigestText : t.badDigest(text));
  }
}

/** `/sign` and the sign buttons of `/identities` enter the conversation. */
export function signFeature(deps: BotDeps) {
  const composer = new Composer<BotContext>();
  composer.use(createConversation(signConversation(deps.services), { id: CONVERSATION, maxMillisecondsToWait: deps.conversationTimeoutMs ?? 10 * 60_000 }));
  composer.command("sign", (ctx) => ctx.conversation.enter(CONVERSATION));
  composer.callbackQuery(/^sign:start:([0-9a-f-]{36})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(CONVERSATION, ctx.match[1]);
  });
  composer.callbackQuery(/^sign:/, (ctx) => ctx.answerCallbackQuery({ text: t.staleButton }));
  return composer;
}
