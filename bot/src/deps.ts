import type { Agent, AgentKeyIssued, AgentPermission, AuditEvent, Identity, Policy, SessionInfo, SignedPsbt, TransactionSummary } from "@clw/shared";
import type { IntentDecision } from "./approvals.js";
import type { OwnerActionDecision } from "./owner-actions.js";
import type { VersionedStateStorage } from "@grammyjs/conversations";
import type { UserFromGetMe } from "grammy/types";

/** An owner as the bot knows them: the clw.cash user behind a Telegram account. */
export interface BotUser {
  id: string;
  telegramUserId: number;
}

/** A sign-in waiting for the owner's decision, as shown in the Telegram prompt. */
export interface SignInRequest {
  challengeId: string;
  clientLabel: string | null;
  createdAt: string;
  expiresAt: string;
  confirmationCode: string;
}

/** An agent's request for a key, as the Telegram prompt shows it. */
export interface AgentRequestView {
  requestId: string;
  name: string;
  /** The identities it asks for; null: all of the owner's keys. */
  identityIds: string[] | null;
  permissions: AgentPermission[];
  expiresInSeconds: number | null;
  confirmationCode: string;
}

/** Why a sign-in link cannot be acted on. */
export type SignInProblem = "unknown" | "expired" | "used" | "other_account";

/** The outcome of pressing Approve or Deny. */
export type SignInDecision = "approved" | "denied" | "gone" | "not_yours";

/**
 * What the bot needs from the product: the same services the REST API uses, with the
 * owner authenticated by their Telegram account. Errors carry a machine `code` (ErrorCode).
 */
export interface BotServices {
  /**
   * Records an update id; false when it was already handled (Telegram redelivers). May load
   * what handling it needs (the chat's conversation state) in the same round trip.
   */
  beginUpdate(updateId: number, chatId: number | undefined): Promise<boolean>;
  /** Counts an update against its sender's rate limit; false when the limit is reached. */
  admitUpdate(telegramUserId: number): Promise<boolean>;
  ensureUser(telegramUserId: number): Promise<BotUser>;
  listIdentities(user: BotUser): Promise<Identity[]>;
  createIdentity(user: BotUser): Promise<Identity>;
  destroyIdentity(user: BotUser, identityId: string): Promise<void>;
  /** Sign-intent then sign, as the API does: a single-use ticket bound to the digest. */
  signDigest(user: BotUser, identityId: string, digest: string): Promise<string>;
  /** What a PSBT does, decoded for this key (errors carry `code` `invalid_psbt` and a message). */
  describePsbt(user: BotUser, identityId: string, psbt: string): Promise<TransactionSummary>;
  /** Signs this key's inputs of the PSBT (the owner confirmed it), finalising when it is complete. */
  signPsbt(user: BotUser, identityId: string, psbt: string): Promise<SignedPsbt>;
  recentAudit(user: BotUser, limit: number): Promise<AuditEvent[]>;
  /** Claims the sign-in behind a deep-link code for this Telegram account. */
  openSignIn(code: string, telegramUserId: number): Promise<SignInRequest | SignInProblem>;
  decideSignIn(challengeId: string, telegramUserId: number, approve: boolean): Promise<SignInDecision>;
  /** Approve or Deny on a payment or signing request; only its owner's account can decide. */
  decideIntent(intentId: string, telegramUserId: number, approve: boolean): Promise<IntentDecision>;
  getPolicy(user: BotUser, identityId: string): Promise<Policy>;
  /** Sets the policy; the owner is present in chat, so even a loosening applies at once. */
  setPolicy(user: BotUser, identityId: string, policy: Policy): Promise<Policy>;
  /** Confirm or Cancel on a change that waits for the owner; only its owner's account decides. */
  decideOwnerAction(actionId: string, telegramUserId: number, confirm: boolean): Promise<OwnerActionDecision>;
  listSessions(user: BotUser): Promise<SessionInfo[]>;
  /** Claims an agent's sign-in behind a deep-link code for this Telegram account. */
  openAgentRequest(code: string, telegramUserId: number): Promise<AgentRequestView | SignInProblem>;
  decideAgentRequest(requestId: string, telegramUserId: number, approve: boolean): Promise<SignInDecision>;
  listAgents(user: BotUser): Promise<Agent[]>;
  revokeAgent(user: BotUser, agentId: string): Promise<Agent>;
  /** A new agent key for all of the owner's keys, signing and reading; the key is shown once. */
  createAgentKey(user: BotUser, name: string): Promise<AgentKeyIssued>;
  /** Signs the owner out everywhere; returns how many sessions ended. */
  revokeAllSessions(user: BotUser): Promise<number>;
}

export interface BotDeps {
  token: string;
  /** The bot's own info, from configuration: no getMe on a cold start. */
  botInfo: UserFromGetMe;
  /** Bot API server, e.g. https://api.telegram.org or a local one. */
  apiRoot: string;
  /** The Mini App (pay.clw.cash), opened from /start. */
  miniAppUrl: string;
  services: BotServices;
  /** Where conversation state lives between webhook calls (D1 in the Worker). */
  conversationStorage: VersionedStateStorage<string, unknown>;
  /** How long a conversation waits for the owner's next message before it is dropped. */
  conversationTimeoutMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/** Builds the bot's own info from its token and username, as getMe would answer. */
export function botInfoFromConfig(token: string, username: string): UserFromGetMe {
  const id = Number(token.split(":")[0]);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error("TELEGRAM_BOT_TOKEN does not start with the bot's numeric id");
  return {
    id,
    is_bot: true,
    first_name: "clw.cash",
    username,
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  } as UserFromGetMe;
}
