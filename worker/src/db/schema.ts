import type { Generated } from "kysely";

/** The D1 tables (see migrations/), as Kysely sees them. Rows stay snake_case. */
export interface Database {
  users: UsersTable;
  challenges: ChallengesTable;
  sessions: SessionsTable;
  identities: IdentitiesTable;
  key_backups: KeyBackupsTable;
  ticket_uses: TicketUsesTable;
  audit_events: AuditEventsTable;
  telegram_updates: TelegramUpdatesTable;
  bot_conversations: BotConversationsTable;
  identity_policies: IdentityPoliciesTable;
  sign_intents: SignIntentsTable;
  init_data_uses: InitDataUsesTable;
  owner_actions: OwnerActionsTable;
  agent_keys: AgentKeysTable;
  agent_requests: AgentRequestsTable;
  idempotency_keys: IdempotencyKeysTable;
}

export interface UsersTable {
  id: string;
  /** Telegram's user id; negative for a test-mode user named by a string (see `test_user`). */
  telegram_user_id: number;
  created_at: string;
  /** The name a test-mode user was signed in with (e.g. "test_user"); null for Telegram users. */
  test_user: string | null;
}

export type ChallengeStatus = "pending" | "approved" | "denied" | "consumed";

export interface ChallengesTable {
  id: string;
  code: string;
  status: ChallengeStatus;
  telegram_user_id: number | null;
  /** A test-mode challenge for a user named by a string. */
  test_user: string | null;
  client_label: string | null;
  created_at: string;
  expires_ms: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  challenge_id: string | null;
  created_at: string;
  expires_ms: number;
  revoked_at: string | null;
  via: SessionVia;
  client_label: string | null;
}

/** How a session was opened: a sign-in link approved in Telegram, Mini App init data, or test mode. */
export type SessionVia = "link" | "miniapp" | "test";

export interface IdentitiesTable {
  id: string;
  user_id: string;
  alg: "secp256k1";
  public_key: string;
  status: "active" | "destroyed";
  created_at: string;
  destroyed_at: string | null;
}

export interface KeyBackupsTable {
  identity_id: string;
  alg: string;
  sealed_key: string;
  created_at: string;
  updated_at: string;
}

export interface TicketUsesTable {
  nonce: string;
  identity_id: string;
  used_at: string;
  expires_ms: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  user_id: string | null;
  identity_id: string | null;
  action: string;
  source: string;
  metadata: string;
  created_at: string;
}

export interface TelegramUpdatesTable {
  update_id: number;
  received_ms: number;
}

export interface BotConversationsTable {
  key: string;
  state: string;
  expires_ms: number;
}

export interface IdentityPoliciesTable {
  identity_id: string;
  require_approval: number;
  auto_approve_max_sats: number | null;
  daily_limit_sats: number | null;
  allowed_destinations: string | null;
  max_fee_sats: number | null;
  raw_digests: "allow" | "approval" | "deny";
  allow_unsafe_sighash: number;
  updated_at: string;
}

export type IntentStatus = "pending_approval" | "approved" | "denied" | "expired" | "used";

export interface SignIntentsTable {
  id: string;
  identity_id: string;
  user_id: string;
  digest: string;
  digest_hash: string;
  status: IntentStatus;
  amount_sats: number | null;
  destination: string | null;
  memo: string | null;
  requested_by: string | null;
  created_at: string;
  expires_ms: number;
  decided_at: string | null;
  decided_via: "chat" | "miniapp" | "policy" | null;
  approved_ms: number | null;
  ticket_nonce: string | null;
  ticket_expires_ms: number | null;
  telegram_chat_id: number | null;
  telegram_message_id: number | null;
  kind: "digest" | "psbt";
  psbt: string | null;
  network: string | null;
  /** The decoded transaction's summary (JSON) for a PSBT. */
  transaction_summary: string | null;
  /** 1 when the PSBT uses sighash types other than DEFAULT/ALL (its policy allowed them). */
  unsafe_sighash: number;
  /** The agent key that asked, if an agent did. */
  agent_key_id: string | null;
}

export interface InitDataUsesTable {
  hash: string;
  purpose: string;
  used_ms: number;
  expires_ms: number;
}

export type OwnerActionKind = "policy" | "destroy";
export type OwnerActionStatus = "pending_confirmation" | "confirmed" | "denied" | "expired" | "failed";

export interface OwnerActionsTable {
  id: string;
  user_id: string;
  identity_id: string | null;
  kind: OwnerActionKind;
  payload: string;
  status: OwnerActionStatus;
  requested_by: string | null;
  created_at: string;
  expires_ms: number;
  decided_at: string | null;
  decided_via: "chat" | "miniapp" | "api" | null;
  telegram_chat_id: number | null;
  telegram_message_id: number | null;
}

export interface AgentKeysTable {
  id: string;
  user_id: string;
  name: string;
  key_hash: string;
  /** JSON array of identity ids, or null for all of the owner's. */
  identity_ids: string | null;
  /** JSON array of "sign" / "read". */
  permissions: string;
  created_at: string;
  created_via: "agent_signin" | "chat" | "miniapp" | "test";
  expires_ms: number | null;
  last_used_ms: number | null;
  revoked_at: string | null;
}

export type AgentRequestStatus = "pending" | "approved" | "denied" | "consumed";

export interface AgentRequestsTable {
  id: string;
  code: string;
  name: string;
  identity_ids: string | null;
  permissions: string;
  expires_in: number | null;
  status: AgentRequestStatus;
  telegram_user_id: number | null;
  user_id: string | null;
  created_at: string;
  expires_ms: number;
}

export interface IdempotencyKeysTable {
  credential: string;
  idem_key: string;
  request_hash: string;
  /** The HTTP status of the first answer; 0 while it is still being answered. */
  status: number;
  response: string | null;
  created_ms: number;
}
