-- Agents that run unattended: credentials of their own, approved once by the owner in Telegram,
-- scoped to identities and permissions, revocable at once; and idempotent writes.

-- Only a hash of each key is stored; the key itself is shown once, when it is made.
CREATE TABLE agent_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  -- JSON array of identity ids the key may use, or NULL for all of the owner's.
  identity_ids TEXT,
  -- JSON array of "sign" and/or "read".
  permissions TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_via TEXT NOT NULL CHECK (created_via IN ('agent_signin', 'chat', 'miniapp', 'test')),
  expires_ms INTEGER,
  last_used_ms INTEGER,
  revoked_at TEXT
);
CREATE INDEX agent_keys_user ON agent_keys (user_id, created_at);

-- An agent's sign-in, waiting for the owner to approve it in Telegram (a device flow). The deep
-- link carries `code`, never the id the agent polls with.
CREATE TABLE agent_requests (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  identity_ids TEXT,
  permissions TEXT NOT NULL,
  expires_in INTEGER,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
  -- The Telegram account that opened the link (only it can decide); the owner once approved.
  telegram_user_id INTEGER,
  user_id TEXT REFERENCES users (id),
  created_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX agent_requests_expiry ON agent_requests (expires_ms);

-- Requests sent with an Idempotency-Key, per credential: the first answer is kept 24 hours and
-- given again for the same key and body (status 0 while the first is still being answered).
CREATE TABLE idempotency_keys (
  credential TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (credential, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);

-- Which agent key asked for a request, so the agent can read its own requests and the owner sees who.
ALTER TABLE sign_intents ADD COLUMN agent_key_id TEXT;
