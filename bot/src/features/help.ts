import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import * as t from "../texts.js";

/** `/help`, and a helpful answer to everything the bot does not act on. Registered last. */
export function helpFeature() {
  const composer = new Composer<BotContext>();
  composer.command("help", (ctx) => ctx.finalReply(t.help(), { parse_mode: "HTML" }));
  composer.on("edited_message", (ctx) => ctx.reply(t.editsIgnored));
  composer.on("message:text", (ctx) => {
    const isCommand = ctx.message.entities?.some((e) => e.type === "bot_command" && e.offset === 0);
    return ctx.reply(isCommand ? t.unknownCommand : t.notUnderstood);
  });
  composer.on("message", (ctx) => ctx.reply(t.onlyText));
  composer.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: t.staleButton }));
  return composer;
}
