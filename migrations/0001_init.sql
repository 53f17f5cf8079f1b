-- clw.cash D1 schema. Timestamps: *_at columns hold ISO-8601 text; *_ms columns epoch milliseconds.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  telegram_user_id INTEGER NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

-- Sign-in challenges live in D1 (not KV) for strong consistency during the auth flow.
CREATE TABLE challenges (
  id TEXT PRIMARY KEY,
  -- The code carried by the Telegram deep link; distinct from id, so a link alone cannot collect the session.
  code TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
  telegram_user_id INTEGER,
  client_label TEXT,
  created_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX challenges_expiry ON challenges (expires_ms);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  challenge_id TEXT UNIQUE,
  created_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE identities (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  alg TEXT NOT NULL DEFAULT 'secp256k1' CHECK (alg = 'secp256k1'),
  public_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'destroyed')),
  created_at TEXT NOT NULL,
  destroyed_at TEXT
);
CREATE INDEX identities_user ON identities (user_id, status, created_at);

-- Sealed key backups: ciphertext only, sealed by the enclave; deleted when the identity is destroyed.
CREATE TABLE key_backups (
  identity_id TEXT PRIMARY KEY REFERENCES identities (id),
  alg TEXT NOT NULL DEFAULT 'secp256k1',
  sealed_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One row per consumed ticket nonce: the primary key makes consumption atomic.
CREATE TABLE ticket_uses (
  nonce TEXT PRIMARY KEY,
  identity_id TEXT NOT NULL,
  used_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX ticket_uses_expiry ON ticket_uses (expires_ms);

-- Append-only audit trail.
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT,
  identity_id TEXT,
  action TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('api', 'telegram', 'miniapp', 'system')),
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX audit_user ON audit_events (user_id, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit events are append-only');
END;
