import { RAW_DIGEST_RULES, type RawDigestRule } from "@clw/shared";
import type { PolicyForm, PolicyFormErrors } from "../policy-form.js";

export interface PolicyFieldsProps {
  form: PolicyForm;
  errors: PolicyFormErrors;
  /** The address being typed for the allowlist. */
  draft: string;
  onDraft: (draft: string) => void;
  onChange: (patch: Partial<PolicyForm>) => void;
  onAdd: () => void;
  /** Raw digests were just switched to "ask me" because a limit was added. */
  rawSwitched: boolean;
}

/**
 * The policy's fields, each saying what it really does: limits apply to what a decoded
 * transaction (PSBT) does and to what a raw digest's requester declares, never to a raw digest
 * itself, whose content cannot be checked; only the raw-digest rule and approval govern those.
 */
export function PolicyFields({ form, errors, draft, onDraft, onChange, onAdd, rawSwitched }: PolicyFieldsProps) {
  return (
    <>
      <section className="card">
        <label className="switch-row">
          <span className="switch-text">
            <strong>Ask me before signing</strong>
            <span className="hint">Every request waits for your approval in Telegram, except transactions within the auto-approve amount.</span>
          </span>
          <input type="checkbox" role="switch" className="switch" checked={form.requireApproval} onChange={(e) => onChange({ requireApproval: e.target.checked })} data-testid="require-approval" />
        </label>
        <SatsField
          label="Auto-approve transactions up to (sats)"
          hint="With approval on, a transaction that spends at most this much from the key is signed without asking. Raw digests always ask, whatever they declare. Empty: ask every time."
          value={form.autoApproveMax}
          error={errors.autoApproveMax}
          onChange={(autoApproveMax) => onChange({ autoApproveMax })}
          name="auto_approve_max_sats"
        />
      </section>
      <section className="card" aria-labelledby="limits-heading">
        <h2 id="limits-heading">Limits</h2>
        <SatsField
          label="Daily limit (sats, rolling 24 h)"
          hint="Caps what transactions spend from this key, and what raw digests declare they pay. It cannot cap raw digests themselves: nobody can check what they pay. Empty: no limit."
          value={form.dailyLimit}
          error={errors.dailyLimit}
          onChange={(dailyLimit) => onChange({ dailyLimit })}
          name="daily_limit_sats"
        />
        <SatsField
          label="Fee cap (sats)"
          hint="A transaction paying a higher fee than this is refused. Empty: no cap."
          value={form.maxFee}
          error={errors.maxFee}
          onChange={(maxFee) => onChange({ maxFee })}
          name="max_fee_sats"
        />
      </section>
      <Destinations form={form} error={errors.destinations} draft={draft} onDraft={onDraft} onChange={onChange} onAdd={onAdd} />
      <RawDigests value={form.rawDigests} switched={rawSwitched} onChange={(rawDigests) => onChange({ rawDigests })} />
      <section className="card">
        <label className="switch-row">
          <span className="switch-text">
            <strong>Allow unsafe sighash types</strong>
            <span className="hint">NONE, SINGLE and ANYONECANPAY in a transaction's inputs. Leave this off unless you know you need it.</span>
          </span>
          <input type="checkbox" role="switch" className="switch" checked={form.allowUnsafeSighash} onChange={(e) => onChange({ allowUnsafeSighash: e.target.checked })} data-testid="allow-unsafe-sighash" />
        </label>
        {form.allowUnsafeSighash && (
          <p className="notice notice-warning" role="alert" data-testid="unsafe-sighash-warning">
            With these, a signature stays valid when outputs or inputs are changed afterwards: what gets spent may not be what you saw, and your limits may not hold.
          </p>
        )}
      </section>
    </>
  );
}

function Destinations({ form, error, draft, onDraft, onChange, onAdd }: Pick<PolicyFieldsProps, "form" | "draft" | "onDraft" | "onChange" | "onAdd"> & { error?: string }) {
  return (
    <section className="card" aria-labelledby="destinations-heading">
      <h2 id="destinations-heading">Allowed destinations</h2>
      {form.destinations.length === 0 ? (
        <p className="hint">Any destination. Add addresses to let transactions pay only them (change back to this key is always allowed); a raw digest declaring another destination is refused.</p>
      ) : (
        <ul className="destinations" aria-label="Allowed destinations">
          {form.destinations.map((address) => (
            <li key={address}>
              <span className="mono break">{address}</span>
              <button type="button" className="link-button danger-text" aria-label={`Remove ${address}`} onClick={() => onChange({ destinations: form.destinations.filter((a) => a !== address) })}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="add-row">
        <input className="mono" name="destination" aria-label="Bitcoin address to allow" placeholder="bc1q… or 3… or 1…" autoComplete="off" spellCheck={false} value={draft} onChange={(e) => onDraft(e.target.value)} />
        <button type="button" className="button button-secondary" onClick={onAdd}>
          Add
        </button>
      </div>
      {error && <p className="field-error" role="alert">{error}</p>}
    </section>
  );
}

const RAW_CHOICES: Record<RawDigestRule, { label: string; hint: string }> = {
  allow: { label: "Sign without asking", hint: "unless approval is on" },
  approval: { label: "Ask me", hint: "each one waits for you" },
  deny: { label: "Refuse", hint: "only transactions (PSBTs) are signed" },
};

function RawDigests({ value, switched, onChange }: { value: RawDigestRule; switched: boolean; onChange: (value: RawDigestRule) => void }) {
  return (
    <fieldset className="card choice-group">
      <legend className="sr-only">Raw digests</legend>
      <h2 aria-hidden="true">Raw digests</h2>
      <p className="hint">
        A raw digest is 32 bytes whose content can't be checked: none of the limits above can cap it, and what the requester says it pays is only a claim. This rule (and approval) is all that
        governs it.
      </p>
      {RAW_DIGEST_RULES.map((rule) => (
        <label key={rule} className="choice">
          <input type="radio" name="raw_digests" value={rule} checked={value === rule} onChange={() => onChange(rule)} />
          <span>
            <strong>{RAW_CHOICES[rule].label}</strong> <span className="hint">{RAW_CHOICES[rule].hint}</span>
          </span>
        </label>
      ))}
      {switched && (
        <p className="notice" role="status" data-testid="raw-switched">
          Set to “Ask me” because a limit can't cap raw digests. Choose “Sign without asking” to keep signing them without you.
        </p>
      )}
    </fieldset>
  );
}

function SatsField({ label, hint, value, error, onChange, name }: { label: string; hint: string; value: string; error?: string; onChange: (value: string) => void; name: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input name={name} inputMode="numeric" autoComplete="off" placeholder="none" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} />
      {error ? <span className="field-error" role="alert">{error}</span> : <span className="hint">{hint}</span>}
    </label>
  );
}
