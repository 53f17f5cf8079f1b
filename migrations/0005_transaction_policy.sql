-- Sign what you see: policies apply to decoded Bitcoin transactions (PSBTs), and raw digests,
-- whose content cannot be checked, have a rule of their own.

-- The most a transaction may pay in fees (NULL: no cap); what raw digests need ('allow' as before,
-- 'approval' by the owner, or 'deny'); whether sighash types other than DEFAULT/ALL may be signed.
ALTER TABLE identity_policies ADD COLUMN max_fee_sats INTEGER CHECK (max_fee_sats >= 0);
ALTER TABLE identity_policies ADD COLUMN raw_digests TEXT NOT NULL DEFAULT 'allow' CHECK (raw_digests IN ('allow', 'approval', 'deny'));
ALTER TABLE identity_policies ADD COLUMN allow_unsafe_sighash INTEGER NOT NULL DEFAULT 0 CHECK (allow_unsafe_sighash IN (0, 1));

-- A request is for a raw digest or for a PSBT. For a PSBT, `digest` holds the binding of the exact
-- transaction (what its ticket is bound to), `psbt` the PSBT as asked, `transaction` the summary
-- the policy and the owner saw (JSON), and `amount_sats` what leaves the key (its spend).
ALTER TABLE sign_intents ADD COLUMN kind TEXT NOT NULL DEFAULT 'digest' CHECK (kind IN ('digest', 'psbt'));
ALTER TABLE sign_intents ADD COLUMN psbt TEXT;
ALTER TABLE sign_intents ADD COLUMN network TEXT;
ALTER TABLE sign_intents ADD COLUMN transaction_summary TEXT;
-- The PSBT asks for sighash types other than DEFAULT/ALL, which its policy allowed: its ticket says so.
ALTER TABLE sign_intents ADD COLUMN unsafe_sighash INTEGER NOT NULL DEFAULT 0 CHECK (unsafe_sighash IN (0, 1));
