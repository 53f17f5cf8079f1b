import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { BotServices } from "./deps.js";

/** The bot's context: grammY's, with conversations and the services. */
export type BotContext = ConversationFlavor<Context & { services: BotServices }>;

/** The context inside a conversation (no conversation controls there). */
export type InnerContext = Context;

export type BotConversation = Conversation<BotContext, InnerContext>;
