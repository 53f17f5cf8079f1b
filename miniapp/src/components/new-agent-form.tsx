import { type AgentKeyIssued, type AgentPermission, type Identity, keyLabel } from "@clw/shared";
import { useState } from "react";
import { emptyAgentForm, formToAgentRequest, LIFETIMES, mintFailureWords, type AgentForm, type AgentFormErrors, type Lifetime } from "../agent-form.js";
import { PERMISSION_WORDS } from "../agent-words.js";
import { closeMiniApp, haptic } from "../host.js";
import { useGuarded, useSession } from "../session-context.js";
import { PrimaryButton } from "./primary-button.js";
import { ErrorNotice } from "./status.js";

type Failure = { title: string; message: string; reopen: boolean };

/**
 * "New agent key", inside Telegram: a name, which keys (all, or picked), what it may do, and how
 * long it works; sent with this launch's init data as proof that the owner is here. When Telegram's
 * proof is refused, no key is made and only a fresh launch can make one (`onProofGone`).
 */
export function NewAgentForm({ identities, initData, onIssued, onCancel, onProofGone }: {
  /** The owner's active keys to pick from; null when they could not be loaded. */
  identities: Identity[] | null;
  initData: string;
  onIssued: (issued: AgentKeyIssued) => void;
  onCancel: () => void;
  onProofGone: () => void;
}) {
  const { api } = useSession();
  const guarded = useGuarded();
  const [form, setForm] = useState<AgentForm>(emptyAgentForm);
  const [errors, setErrors] = useState<AgentFormErrors>({});
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const change = (patch: Partial<AgentForm>) => setForm((f) => ({ ...f, ...patch }));
  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item));

  const submit = async () => {
    if (saving || failure?.reopen) return;
    const parsed = formToAgentRequest(form);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return haptic.error();
    }
    setErrors({});
    setFailure(null);
    setSaving(true);
    try {
      const issued = await guarded(() => api.createAgent(parsed.request, { initData }));
      haptic.success();
      onIssued(issued);
    } catch (error) {
      haptic.error();
      const words = mintFailureWords(error);
      if (words.reopen) onProofGone();
      setFailure(words);
      setSaving(false);
    }
  };

  return (
    <form className="agent-form" aria-labelledby="new-agent-heading" onSubmit={(e) => { e.preventDefault(); void submit(); }} noValidate data-testid="new-agent-form">
      <strong id="new-agent-heading">New agent key</strong>
      <label className="field">
        Name (yours for it: shown here, in the chat and in the activity)
        <input name="agent_name" value={form.name} maxLength={64} autoComplete="off" onChange={(e) => change({ name: e.target.value })} aria-invalid={errors.name ? true : undefined} />
        {errors.name && <span className="field-error">{errors.name}</span>}
      </label>
      <fieldset className="choice-group">
        <legend>Keys it may use</legend>
        <label className="choice">
          <input type="radio" name="agent_keys" checked={form.allKeys} onChange={() => change({ allKeys: true })} />
          <span>All my keys, including keys I create later</span>
        </label>
        <label className="choice">
          <input type="radio" name="agent_keys" value="some" checked={!form.allKeys} onChange={() => change({ allKeys: false })} disabled={!identities?.length} />
          <span>Only the keys I pick{identities?.length === 0 ? " (you have none yet)" : identities === null ? " (your keys could not be loaded)" : ""}</span>
        </label>
        {!form.allKeys &&
          identities?.map((identity) => (
            <label key={identity.id} className="choice choice-nested">
              <input type="checkbox" name="agent_identity" value={identity.id} checked={form.identityIds.includes(identity.id)} onChange={(e) => change({ identityIds: toggle(form.identityIds, identity.id, e.target.checked) })} />
              <span>{capitalize(keyLabel(identity.id, new Map([[identity.id, identity.public_key]])))}</span>
            </label>
          ))}
        {errors.keys && <span className="field-error">{errors.keys}</span>}
      </fieldset>
      <fieldset className="choice-group">
        <legend>It may</legend>
        {(["sign", "read"] as const satisfies readonly AgentPermission[]).map((permission) => (
          <label key={permission} className="choice">
            <input type="checkbox" name="agent_permission" value={permission} checked={form.permissions.includes(permission)} onChange={(e) => change({ permissions: toggle(form.permissions, permission, e.target.checked) })} />
            <span>{capitalize(PERMISSION_WORDS[permission])}</span>
          </label>
        ))}
        {errors.permissions && <span className="field-error">{errors.permissions}</span>}
        <span className="hint">It can never create or destroy keys, change a policy or approve anything.</span>
      </fieldset>
      <label className="field">
        Works
        <select name="agent_lifetime" value={form.lifetime} onChange={(e) => change({ lifetime: e.target.value as Lifetime })}>
          {LIFETIMES.map((l) => <option key={l.value} value={l.value}>{l.seconds === null ? l.label : `For ${l.label}`}</option>)}
        </select>
      </label>
      <p className="hint">This launch of the Mini App proves you're here: for 5 minutes after it opened, and for one change.</p>
      {failure && (
        <ErrorNotice title={failure.title} message={failure.message} action={failure.reopen ? "Close the Mini App" : undefined} onAction={failure.reopen ? closeMiniApp : undefined} />
      )}
      <div className="button-row">
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={saving}>
          {failure?.reopen ? "Back" : "Cancel"}
        </button>
      </div>
      {!failure?.reopen && <PrimaryButton text="Make the agent key" onClick={() => void submit()} busy={saving} testId="make-agent-key" />}
    </form>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
