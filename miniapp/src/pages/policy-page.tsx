import { type Identity, isPendingAction, keyLabel, type PendingAction, type Policy } from "@clw/shared";
import { useState } from "react";
import { ConfirmInChat } from "../components/confirm-in-chat.js";
import { PolicyFields } from "../components/policy-fields.js";
import { PrimaryButton } from "../components/primary-button.js";
import { ErrorNotice, Loading } from "../components/status.js";
import { haptic, useHost } from "../host.js";
import { actionOutcomeWords, type ActionProgress } from "../owner-action-flow.js";
import { checkDestination, formToPolicy, policyToForm, withRawDigestRule, type PolicyForm, type PolicyFormErrors } from "../policy-form.js";
import { proofRefusalWords, withPresence } from "../presence.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useAsync } from "../use-async.js";

/** A key's policy: approval, limits, destinations, raw digests and sighash types. */
export function PolicyPage({ identity }: { identity: Identity }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const policy = useAsync(() => guarded(() => api.getPolicy(identity.id)), `policy:${identity.id}`);
  const label = keyLabel(identity.id, new Map([[identity.id, identity.public_key]]));
  return (
    <main className="page">
      <h1 className="title">Policy</h1>
      <p className="hint">What agents may do with {label} without asking you, and what they may never do. Tightening applies at once; loosening needs you in Telegram.</p>
      {policy.status === "loading" && <Loading label="Loading the policy…" />}
      {policy.status === "error" && <ErrorNotice title="Could not load the policy" message={failureMessage(policy.error)} action="Try again" onAction={policy.reload} />}
      {policy.status === "ready" && <PolicyEditor identityId={identity.id} initial={policy.data} />}
    </main>
  );
}

type SaveState =
  | { status: "idle" | "saving" }
  | { status: "waiting"; action: PendingAction; proofRefused: string | null }
  | { status: "done"; ok: boolean; title: string; message: string }
  | { status: "failed"; message: string };

function PolicyEditor({ identityId, initial }: { identityId: string; initial: Policy }) {
  const host = useHost();
  const { api } = useSession();
  const guarded = useGuarded();
  const [form, setForm] = useState<PolicyForm>(() => policyToForm(initial));
  const [errors, setErrors] = useState<PolicyFormErrors>({});
  const [draft, setDraft] = useState("");
  const [rawChosen, setRawChosen] = useState(false);
  const [rawSwitched, setRawSwitched] = useState(false);
  const [save, setSave] = useState<SaveState>({ status: "idle" });
  const busy = save.status === "saving" || save.status === "waiting";

  const change = (patch: Partial<PolicyForm>) => {
    const chose = rawChosen || patch.rawDigests !== undefined;
    const next = withRawDigestRule(form, { ...form, ...patch }, chose);
    if (patch.rawDigests !== undefined) setRawChosen(true);
    setRawSwitched(next.switched || (rawSwitched && patch.rawDigests === undefined));
    setForm(next.form);
    if (!busy) setSave({ status: "idle" });
    return next.form;
  };

  const show = (policy: Policy) => {
    setForm(policyToForm(policy));
    setRawChosen(false);
    setRawSwitched(false);
  };

  const add = (): PolicyForm | null => {
    const checked = checkDestination(draft, form.destinations);
    if (!checked.ok) {
      setErrors((e) => ({ ...e, destinations: checked.error }));
      return null;
    }
    setDraft("");
    setErrors((e) => ({ ...e, destinations: undefined }));
    return change({ destinations: [...form.destinations, checked.address] });
  };

  const submit = async () => {
    if (busy) return;
    // An address typed but not added yet is meant to be on the list.
    const full = draft.trim() ? add() : form;
    if (!full) return haptic.error();
    const parsed = formToPolicy(full);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return haptic.error();
    }
    setErrors({});
    setSave({ status: "saving" });
    // Inside Telegram a loosening carries the launch's init data as proof that the owner is here.
    // The API spends the proof only on a change that loosens; a tightening keeps it for later.
    const proof = host.kind === "telegram" ? host.initData : undefined;
    try {
      const { value, proofRefused } = await guarded(() => withPresence((initData) => api.setPolicy(identityId, parsed.policy, { initData }), proof));
      if (isPendingAction(value)) {
        setSave({ status: "waiting", action: value, proofRefused: proofRefused ? proofRefusalWords(proofRefused) : null });
        return haptic.warning();
      }
      show(value);
      setSave({ status: "done", ok: true, title: "Saved", message: "The policy applies to the next request." });
      haptic.success();
    } catch (error) {
      setSave({ status: "failed", message: failureMessage(error) });
      haptic.error();
    }
  };

  const settle = async (progress: ActionProgress) => {
    const words = progress.status === "unknown" || progress.status === "pending_confirmation" ? { title: "Lost track of the change", message: `${progress.status === "unknown" ? progress.message : ""} The policy below is what applies now.` } : actionOutcomeWords("policy", progress.status, progress.action.decided_via);
    const ok = progress.status === "confirmed";
    // Show what is in force now, whatever became of the change.
    await guarded(() => api.getPolicy(identityId)).then(show, () => undefined);
    setSave({ status: "done", ok, ...words });
    if (ok) haptic.success();
    else haptic.warning();
  };

  return (
    <form className="policy" onSubmit={(e) => { e.preventDefault(); void submit(); }} noValidate>
      <PolicyFields
        form={form}
        errors={errors}
        draft={draft}
        onDraft={(value) => { setDraft(value); setErrors((x) => ({ ...x, destinations: undefined })); }}
        onChange={change}
        onAdd={() => (add() ? haptic.tap() : haptic.error())}
        rawSwitched={rawSwitched}
      />
      {save.status === "failed" && <ErrorNotice title="Could not save the policy" message={save.message} />}
      {save.status === "waiting" && <ConfirmInChat action={save.action} proofRefused={save.proofRefused} onSettled={(progress) => void settle(progress)} />}
      {save.status === "done" &&
        (save.ok ? (
          <div className="notice" role="status" data-testid="policy-outcome">
            <strong>{save.title}.</strong> {save.message}
          </div>
        ) : (
          <ErrorNotice title={save.title} message={save.message} />
        ))}
      <div className="actions">
        <PrimaryButton text={save.status === "waiting" ? "Waiting for Telegram…" : "Save policy"} onClick={() => void submit()} busy={save.status === "saving"} disabled={save.status === "waiting"} testId="save-policy" />
      </div>
    </form>
  );
}
