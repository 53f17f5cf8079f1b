-- The Telegram bot: redelivered updates are acted on once, and conversations survive between
-- webhook calls until they expire.

CREATE TABLE telegram_updates (
  update_id INTEGER PRIMARY KEY,
  received_ms INTEGER NOT NULL
);
CREATE INDEX telegram_updates_received ON telegram_updates (received_ms);

CREATE TABLE bot_conversations (
  key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE INDEX bot_conversations_expiry ON bot_conversations (expires_ms);
