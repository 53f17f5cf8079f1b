-- Clients of the original API: its test mode names users with free-form strings ("test_user",
-- "e2e_user_<ms>"). Such a test user gets a synthetic negative telegram_user_id (Telegram's ids are
-- positive) and keeps its name here; a challenge carries the name until it is verified.

ALTER TABLE users ADD COLUMN test_user TEXT;
CREATE UNIQUE INDEX users_test_user ON users (test_user) WHERE test_user IS NOT NULL;

ALTER TABLE challenges ADD COLUMN test_user TEXT;
