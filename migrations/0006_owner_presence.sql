-- Nothing loosens without the owner: changes that loosen control wait for the owner's
-- confirmation in Telegram, Mini App init data proves presence once, and owners see their sessions.

-- How a session was opened: a sign-in link approved in Telegram ('link'), Mini App init data
-- ('miniapp'), or test mode ('test'); and the label the requester gave, for the owner's list.
ALTER TABLE sessions ADD COLUMN via TEXT NOT NULL DEFAULT 'link' CHECK (via IN ('link', 'miniapp', 'test'));
ALTER TABLE sessions ADD COLUMN client_label TEXT;

-- Init data used as a proof, by a hash of it, per purpose ('signin', 'approve', 'action'): each
-- proves presence once, until it could no longer be fresh anyway.
CREATE TABLE init_data_uses (
  hash TEXT NOT NULL,
  purpose TEXT NOT NULL,
  used_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY (hash, purpose)
);
CREATE INDEX init_data_uses_expiry ON init_data_uses (expires_ms);

-- Changes asked for without the owner present (a loosened policy, a destroy), waiting for the
-- owner to confirm them in Telegram; `payload` is what will be applied (JSON).
CREATE TABLE owner_actions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  identity_id TEXT REFERENCES identities (id),
  kind TEXT NOT NULL CHECK (kind IN ('policy', 'destroy')),
  payload TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('pending_confirmation', 'confirmed', 'denied', 'expired', 'failed')),
  requested_by TEXT,
  created_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  decided_at TEXT,
  -- 'api': cancelled by the owner's session (cancelling only ever tightens).
  decided_via TEXT CHECK (decided_via IN ('chat', 'miniapp', 'api')),
  telegram_chat_id INTEGER,
  telegram_message_id INTEGER
);
CREATE INDEX owner_actions_user ON owner_actions (user_id, status, created_at);
