import { type Identity, keyLabel, type Policy, isPendingAction } from "@clw/shared";
import { useState } from "react";
import { PrimaryButton } from "../components/primary-button.js";
import { ErrorNotice, Loading } from "../components/status.js";
import { haptic } from "../host.js";
import { checkDestination, formToPolicy, policyToForm, type PolicyForm, type PolicyFormErrors } from "../policy-form.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useAsync } from "../use-async.js";

/** A key's payment policy: approval, auto-approve amount, daily limit and allowed destinations. */
export function PolicyPage({ identity }: { identity: Identity }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const policy = useAsync(() => guarded(() => api.getPolicy(identity.id)), `policy:${identity.id}`);
  const label = keyLabel(identity.id, new Map([[identity.id, identity.public_key]]));
  return (
    <main className="page">
      <h1 className="title">Policy</h1>
      <p className="hint">What agents may do with {label} without asking you, and what they may never do.</p>
      {policy.status === "loading" && <Loading label="Loading the policy…" />}
      {policy.status === "error" && <ErrorNotice title="Could not load the policy" message={failureMessage(policy.error)} action="Try again" onAction={policy.reload} />}
      {policy.status === "ready" && <PolicyEditor identityId={identity.id} initial={policy.data} />}
    </main>
  );
}

type SaveState = { status: "idle" } | { status: "saving" } | { status: "saved" } | { status: "failed"; message: string };

function PolicyEditor({ identityId, initial }: { identityId: string; initial: Policy }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const [form, setForm] = useState<PolicyForm>(() => policyToForm(initial));
  const [errors, setErrors] = useState<PolicyFormErrors>({});
  const [draft, setDraft] = useState("");
  const [save, setSave] = useState<SaveState>({ status: "idle" });
  const change = (patch: Partial<PolicyForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setSave({ status: "idle" });
  };

  const add = (): string[] | null => {
    const checked = checkDestination(draft, form.destinations);
    if (!checked.ok) {
      setErrors((e) => ({ ...e, destinations: checked.error }));
      return null;
    }
    const destinations = [...form.destinations, checked.address];
    change({ destinations });
    setDraft("");
    setErrors((e) => ({ ...e, destinations: undefined }));
    return destinations;
  };

  const submit = async () => {
    // An address typed but not added yet is meant to be on the list.
    const destinations = draft.trim() ? add() : form.destinations;
    if (!destinations) return haptic.error();
    const parsed = formToPolicy({ ...form, destinations });
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return haptic.error();
    }
    setErrors({});
    setSave({ status: "saving" });
    try {
      const saved = await guarded(() => api.setPolicy(identityId, parsed.policy));
      if (isPendingAction(saved)) {
        setSave({ status: "failed", message: "Loosening a policy needs you in Telegram: confirm it in the chat." });
        return haptic.error();
      }
      setForm(policyToForm(saved));
      setSave({ status: "saved" });
      haptic.success();
    } catch (error) {
      setSave({ status: "failed", message: failureMessage(error) });
      haptic.error();
    }
  };

  return (
    <form className="policy" onSubmit={(e) => { e.preventDefault(); void submit(); }} noValidate>
      <section className="card">
        <label className="switch-row">
          <span className="switch-text">
            <strong>Ask me before signing</strong>
            <span className="hint">Every request waits for your approval in Telegram, with or without payment details, except payments within the auto-approve amount.</span>
          </span>
          <input type="checkbox" role="switch" className="switch" checked={form.requireApproval} onChange={(e) => change({ requireApproval: e.target.checked })} data-testid="require-approval" />
        </label>
      </section>
      <section className="card">
        <SatsField label="Auto-approve payments up to (sats)" hint="Only with approval on. Empty: ask for every payment." value={form.autoApproveMax} error={errors.autoApproveMax} onChange={(autoApproveMax) => change({ autoApproveMax })} name="auto_approve_max_sats" />
        <SatsField label="Daily limit (sats, rolling 24 h)" hint="A hard cap on approved and auto-approved payments. Empty: no limit." value={form.dailyLimit} error={errors.dailyLimit} onChange={(dailyLimit) => change({ dailyLimit })} name="daily_limit_sats" />
      </section>
      <section className="card" aria-labelledby="destinations-heading">
        <h2 id="destinations-heading">Allowed destinations</h2>
        {form.destinations.length === 0 ? (
          <p className="hint">Any destination. Add addresses to allow payments only to them.</p>
        ) : (
          <ul className="destinations" aria-label="Allowed destinations">
            {form.destinations.map((address) => (
              <li key={address}>
                <span className="mono break">{address}</span>
                <button type="button" className="link-button danger-text" aria-label={`Remove ${address}`} onClick={() => change({ destinations: form.destinations.filter((a) => a !== address) })}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="add-row">
          <input className="mono" name="destination" aria-label="Bitcoin address to allow" placeholder="bc1q… or 3… or 1…" autoComplete="off" spellCheck={false} value={draft} onChange={(e) => { setDraft(e.target.value); setErrors((x) => ({ ...x, destinations: undefined })); }} />
          <button type="button" className="button button-secondary" onClick={() => (add() ? haptic.tap() : haptic.error())}>
            Add
          </button>
        </div>
        {errors.destinations && <p className="field-error" role="alert">{errors.destinations}</p>}
      </section>
      {save.status === "failed" && <ErrorNotice title="Could not save the policy" message={save.message} />}
      {save.status === "saved" && <div className="notice" role="status">Saved. The policy applies to the next request.</div>}
      <div className="actions">
        <PrimaryButton text="Save policy" onClick={() => void submit()} busy={save.status === "saving"} testId="save-policy" />
      </div>
    </form>
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
