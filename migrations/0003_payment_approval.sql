-- Payment confirmation: a policy per identity, and sign intents that may wait for the owner.

-- No row means the default policy: no approval, no limits.
CREATE TABLE identity_policies (
  identity_id TEXT PRIMARY KEY REFERENCES identities (id),
  require_approval INTEGER NOT NULL DEFAULT 0 CHECK (require_approval IN (0, 1)),
  auto_approve_max_sats INTEGER CHECK (auto_approve_max_sats >= 0),
  daily_limit_sats INTEGER CHECK (daily_limit_sats >= 0),
  -- JSON array of allowed destinations, or NULL for any.
  allowed_destinations TEXT,
  updated_at TEXT NOT NULL
);

-- Intents that went through the policy: those needing approval, and every payment.
-- A payment's amount counts against the daily limit from approval (approved_ms) while it is
-- used, or approved with a ticket that has not expired.
CREATE TABLE sign_intents (
  id TEXT PRIMARY KEY,
  identity_id TEXT NOT NULL REFERENCES identities (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  digest TEXT NOT NULL,
  digest_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending_approval', 'approved', 'denied', 'expired', 'used')),
  amount_sats INTEGER CHECK (amount_sats > 0),
  destination TEXT,
  memo TEXT,
  requested_by TEXT,
  created_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  decided_at TEXT,
  decided_via TEXT CHECK (decided_via IN ('chat', 'miniapp', 'policy')),
  approved_ms INTEGER,
  ticket_nonce TEXT UNIQUE,
  ticket_expires_ms INTEGER,
  telegram_chat_id INTEGER,
  telegram_message_id INTEGER
);
CREATE INDEX sign_intents_user ON sign_intents (user_id, status, created_at);
CREATE INDEX sign_intents_spend ON sign_intents (identity_id, approved_ms);
