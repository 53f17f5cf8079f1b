import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { BotServices } from "./deps.js";

/** Options of a reply, as `ctx.reply` takes them. */
export type ReplyOptions = Parameters<Context["reply"]>[1];

/**
 * The bot's context: grammY's, with conversations, the services and `finalReply`: a handler's
 * last message, which a webhook may hand to Telegram as its own answer (one Bot API round trip
 * fewer). Only for a handler's last API call whose result is not needed: Telegram sends it after
 * the webhook answers, so any call made after it would arrive first.
 */
export type BotContext = ConversationFlavor<Context & { services: BotServices; finalReply: (text: string, options?: ReplyOptions) => Promise<void> }>;

/** The context inside a conversation (no conversation controls there). */
export type InnerContext = Context;

export type BotConversation = Conversation<BotContext, InnerContext>;
