import { BOT_USERNAME } from "./config.js";
import type { StoredSession } from "./session.js";

/** The bot's username, when known: from the browser sign-in's deep link, else from the build. */
export function botUsername(session: Pick<StoredSession, "bot">): string | null {
  return session.bot ?? BOT_USERNAME;
}

/** "the chat with @clw_bot", or, when the bot's name is unknown, "your chat with the clw.cash bot". */
export function chatName(bot: string | null): string {
  return bot ? `the chat with @${bot}` : "your chat with the clw.cash bot";
}
