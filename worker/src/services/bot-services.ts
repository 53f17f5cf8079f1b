import type { BotServices, BotUser } from "@clw/bot";
import type { VersionedStateStorage } from "@grammyjs/conversations";
import { listAuditEvents } from "../db/audit.js";
import { runBatch } from "../db/client.js";
import { activeIdentitiesOfTelegramUserQuery, findIdentityForSession, toIdentity } from "../db/identities.js";
import type { IdentitiesTable } from "../db/schema.js";
import { claimUpdateQuery, deleteConversation, readConversation, readConversationQuery, writeConversation } from "../db/telegram.js";
import { AppError } from "../errors.js";
import type { Deps } from "./deps.js";
import { admit } from "./rate-limit.js";
import { createIdentity, destroyIdentity, listIdentities } from "./identities.js";
import { ensureUser } from "./users.js";
import { decideIntent } from "./approvals.js";
import { toPolicy } from "../db/policies.js";
import { checkOwnership } from "./identities.js";
import { decideAgentSignIn, openAgentRequest } from "./agent-signin.js";
import { issueAgentKey, listAgents, revokeAgent } from "./agents.js";
import { decideOwnerAction } from "./owner-actions.js";
import { changePolicy } from "./owner-changes.js";
import { getPolicy } from "./policies.js";
import { analyzeForPolicy } from "./psbt.js";
import { listSessions, revokeAllSessions, type AuthContext } from "./sessions.js";
import { decideSignIn, openSignIn } from "./sign-in.js";
import { signPsbtWithTicket, signWithTicket } from "./signatures.js";
import { createSignIntent, type SignSubject } from "./signing.js";

/** How long a bot conversation's state is kept without a new message. */
export const CONVERSATION_TTL_MS = 15 * 60_000;

const asActor = (user: BotUser): AuthContext => ({ userId: user.id, sessionId: null, agent: null });

/**
 * The bot's view of the product: the same services as the REST API, acting for the owner's
 * Telegram account, recorded in the audit trail with source `telegram`.
 */
export function createBotServices(deps: Deps, conversations: ConversationStorage): BotServices {
  const { db } = deps.dbh;
  // The chat owner's active keys, read with the update's claim (most commands need them), for this
  // update only; any change to the keys drops them.
  let primedKeys: { telegramUserId: number; rows: IdentitiesTable[] } | undefined;
  const keysChanged = <T>(result: Promise<T>) => {
    primedKeys = undefined;
    return result;
  };
  return {
    beginUpdate: async (updateId, chatId) => {
      const now = deps.now();
      if (chatId === undefined) return ((await runBatch(deps.dbh, [claimUpdateQuery(db, updateId, now)]))[0]?.length ?? 0) > 0;
      // In a private chat, the chat id is the owner's Telegram id.
      const [claimed, conversation, keys] = await runBatch(deps.dbh, [claimUpdateQuery(db, updateId, now), readConversationQuery(db, chatId.toString(), now), activeIdentitiesOfTelegramUserQuery(db, chatId)]);
      conversations.prime(chatId.toString(), (conversation?.[0] as { state: string } | undefined)?.state);
      primedKeys = { telegramUserId: chatId, rows: keys as IdentitiesTable[] };
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
    listIdentities: async (user) => {
      if (primedKeys?.telegramUserId !== user.telegramUserId) return listIdentities(deps, asActor(user));
      return primedKeys.rows.map((row) => toIdentity(row, deps.config.bitcoinNetwork));
    },
    createIdentity: (user) => keysChanged(createIdentity(deps, user.id, "telegram")),
    destroyIdentity: (user, identityId) => keysChanged(destroyIdentity(deps, user.id, identityId, "telegram")),
    signDigest: async (user, identityId, digest) => {
      const ticket = await ownTicket(deps, user, identityId, { kind: "digest", digest });
      return signWithTicket(deps, asActor(user), identityId, digest, ticket, "telegram");
    },
    describePsbt: async (user, identityId, psbt) => {
      const row = await findIdentityForSession(deps.dbh.db, identityId, null, deps.now());
      const identity = checkOwnership(row, user.id);
      return analyzeForPolicy(psbt, identity.public_key, deps.config.bitcoinNetwork, toPolicy(row).allow_unsafe_sighash).summary;
    },
    signPsbt: async (user, identityId, psbt) => {
      const ticket = await ownTicket(deps, user, identityId, { kind: "psbt", psbt });
      return signPsbtWithTicket(deps, asActor(user), identityId, psbt, ticket, true, "telegram");
    },
    recentAudit: (user, limit) => listAuditEvents(deps.dbh.db, user.id, limit, 0),
    openSignIn: (code, telegramUserId) => openSignIn(deps, code, telegramUserId),
    decideSignIn: (challengeId, telegramUserId, approve) => decideSignIn(deps, challengeId, telegramUserId, approve),
    decideIntent: async (intentId, telegramUserId, approve) => (await decideIntent(deps, intentId, telegramUserId, approve, "chat")).outcome,
    getPolicy: (user, identityId) => getPolicy(deps, asActor(user), identityId),
    setPolicy: async (user, identityId, policy) => {
      const outcome = await changePolicy(deps, { userId: user.id, identityId, presence: async () => "chat", source: "telegram", requestedBy: null }, policy);
      if (outcome.status !== "done") throw new Error("a change the owner makes in chat never waits for their confirmation");
      return outcome.result;
    },
    decideOwnerAction: (actionId, telegramUserId, confirm) => decideOwnerAction(deps, actionId, telegramUserId, confirm),
    listSessions: (user) => listSessions(deps, user.id, null),
    openAgentRequest: (code, telegramUserId) => openAgentRequest(deps, code, telegramUserId),
    decideAgentRequest: (requestId, telegramUserId, approve) => decideAgentSignIn(deps, requestId, telegramUserId, approve),
    listAgents: (user) => listAgents(deps, user.id),
    revokeAgent: (user, agentId) => revokeAgent(deps, user.id, agentId, "telegram"),
    createAgentKey: async (user, name) => {
      const issued = await issueAgentKey(deps, { userId: user.id, name, identityIds: null, permissions: ["sign", "read"], expiresInSeconds: null, via: "chat" }, "telegram");
      return issued!;
    },
    revokeAllSessions: (user) => revokeAllSessions(deps, user.id, "telegram"),
  };
}

/** A ticket for the owner's own request in chat: they are present, so it never waits for approval. */
async function ownTicket(deps: Deps, user: BotUser, identityId: string, subject: SignSubject): Promise<string> {
  const outcome = await createSignIntent(deps, asActor(user), identityId, { subject, ownerPresent: true }, "telegram");
  if (outcome.status !== "ticket") throw new Error("the owner's own request cannot wait for approval");
  return outcome.intent.ticket;
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
