import type { BotServices, BotUser } from "@clw/bot";
import type { VersionedStateStorage } from "@grammyjs/conversations";
import { listAuditEvents } from "../db/audit.js";
import { runBatch } from "../db/client.js";
import { claimUpdateQuery, deleteConversation, readConversation, readConversationQuery, writeConversation } from "../db/telegram.js";
import { AppError } from "../errors.js";
import type { Deps } from "./deps.js";
import { admit } from "./rate-limit.js";
import { createIdentity, destroyIdentity, listIdentities } from "./identities.js";
import { ensureUser } from "./users.js";
import { decideIntent } from "./approvals.js";
import { getPolicy, setPolicy } from "./policies.js";
import { decideSignIn, openSignIn } from "./sign-in.js";
import { signWithTicket } from "./signatures.js";
import { createSignIntent } from "./signing.js";

/** How long a bot conversation's state is kept without a new message. */
export const CONVERSATION_TTL_MS = 15 * 60_000;

const asActor = (user: BotUser) => ({ userId: user.id, sessionId: null });

/**
 * The bot's view of the product: the same services as the REST API, acting for the owner's
 * Telegram account, recorded in the audit trail with source `telegram`.
 */
export function createBotServices(deps: Deps, conversations: ConversationStorage): BotServices {
  const { db } = deps.dbh;
  return {
    beginUpdate: async (updateId, chatId) => {
      const now = deps.now();
      const key = chatId?.toString();
      const queries = key ? [claimUpdateQuery(db, updateId, now), readConversationQuery(db, key, now)] : [claimUpdateQuery(db, updateId, now)];
      const [claimed, conversation] = await runBatch(deps.dbh, queries);
      if (key) conversations.prime(key, (conversation?.[0] as { state: string } | undefined)?.state);
      return (claimed?.length ?? 0) > 0;
    },
    admitUpdate: async (telegramUserId) => {
      try {
        await admit(deps, [{ key: `telegram:${telegramUserId}`, limit: deps.config.rateLimit.perUser }]);
        return true;
      } catch (error) {
        if (error instanceof AppError && error.code === "rate_limited") return false;
        throw error;
      }
    },
    ensureUser: async (telegramUserId) => {
      const user = await ensureUser(deps, telegramUserId, "telegram");
      return { id: user.id, telegramUserId };
    },
    listIdentities: (user) => listIdentities(deps, user.id),
    createIdentity: (user) => createIdentity(deps, user.id, "telegram"),
    destroyIdentity: (user, identityId) => destroyIdentity(deps, user.id, identityId, "telegram"),
    signDigest: async (user, identityId, digest) => {
      const outcome = await createSignIntent(deps, asActor(user), identityId, { digest, ownerPresent: true }, "telegram");
      if (outcome.status !== "ticket") throw new Error("the owner's own request cannot wait for approval");
      return signWithTicket(deps, asActor(user), identityId, digest, outcome.intent.ticket, "telegram");
    },
    recentAudit: (user, limit) => listAuditEvents(deps.dbh.db, user.id, limit, 0),
    openSignIn: (code, telegramUserId) => openSignIn(deps, code, telegramUserId),
    decideSignIn: (challengeId, telegramUserId, approve) => decideSignIn(deps, challengeId, telegramUserId, approve),
    decideIntent: async (intentId, telegramUserId, approve) => (await decideIntent(deps, intentId, telegramUserId, approve, "chat")).outcome,
    getPolicy: (user, identityId) => getPolicy(deps, user.id, identityId),
    setPolicy: (user, identityId, policy) => setPolicy(deps, user.id, identityId, policy, "telegram"),
  };
}

export interface ConversationStorage extends VersionedStateStorage<string, unknown> {
  /** Hands over a chat's state read earlier in this request, sparing a round trip. */
  prime(key: string, state: string | undefined): void;
}

/**
 * Conversation state in D1 for one webhook request, keyed by chat, expiring after
 * `CONVERSATION_TTL_MS` of silence.
 */
export function createConversationStorage(deps: Deps): ConversationStorage {
  const { db } = deps.dbh;
  const primed = new Map<string, string | undefined>();
  return {
    prime: (key, state) => void primed.set(key, state),
    read: async (key) => {
      const state = primed.has(key) ? primed.get(key) : await readConversation(db, key, deps.now());
      primed.delete(key);
      return state === undefined ? undefined : JSON.parse(state);
    },
    write: (key, state) => writeConversation(db, key, JSON.stringify(state), deps.now() + CONVERSATION_TTL_MS),
    delete: (key) => deleteConversation(db, key),
  };
}
