import { ClwApiError, keyLabel, type OwnerActionState } from "@clw/shared";
import { useState } from "react";
import { formatCountdown } from "../countdown.js";
import { haptic } from "../host.js";
import { actionOutcomeWords, pendingActionTitle } from "../owner-action-flow.js";
import { describeTime } from "../relative-time.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useAsync } from "../use-async.js";
import { useNow } from "../use-now.js";
import { ErrorNotice, Loading } from "./status.js";

type Outcome = { ok: boolean; text: string };

/**
 * The owner's changes still waiting for their confirmation in Telegram (a loosened policy, a key
 * to destroy, asked for from a browser or without proof), each with what it would change and
 * Cancel. Cancelling only keeps things as they are, so it needs no proof; the chat's prompt then
 * says it was cancelled.
 */
export function WaitingChangesSection({ publicKeys }: { publicKeys: ReadonlyMap<string, string> | null }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const list = useAsync(() => guarded(() => api.listActions(true)), "waiting-changes");
  const now = useNow(1000, list.status === "ready" && list.data.length > 0);
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [busy, setBusy] = useState<string | null>(null);

  const cancel = async (action: OwnerActionState) => {
    setBusy(action.id);
    let outcome: Outcome;
    try {
      await guarded(() => api.cancelAction(action.id));
      haptic.success();
      outcome = { ok: true, text: "Cancelled. Nothing changed, and the chat's prompt says so." };
    } catch (error) {
      haptic.error();
      // Decided in the chat, or expired, a moment ago: say what became of it.
      const state = error instanceof ClwApiError && error.status === 409 ? await api.getAction(action.id).catch(() => null) : null;
      outcome = state && state.status !== "pending_confirmation" ? { ok: false, text: actionOutcomeWords(state.kind, state.status, state.decided_via).message } : { ok: false, text: failureMessage(error) };
    }
    setOutcomes((o) => ({ ...o, [action.id]: outcome }));
    setBusy(null);
  };

  return (
    <section className="card" aria-labelledby="waiting-heading" data-testid="waiting-changes">
      <h2 id="waiting-heading">Waiting for your confirmation</h2>
      <p className="hint">Changes asked for without you in Telegram. Nothing happens unless you confirm one in the chat; cancel any you did not mean.</p>
      {list.status === "loading" && <Loading label="Loading waiting changes…" />}
      {list.status === "error" && <ErrorNotice title="Could not load the waiting changes" message={failureMessage(list.error)} action="Try again" onAction={list.reload} />}
      {list.status === "ready" && list.data.length === 0 && <p data-testid="no-waiting-changes">Nothing is waiting for you.</p>}
      {list.status === "ready" && list.data.length > 0 && (
        <ul className="sessions" aria-label="Waiting changes">
          {list.data.map((action) => {
            const left = Date.parse(action.expires_at) - now;
            const outcome = outcomes[action.id];
            return (
              <li key={action.id} className="session" data-testid="waiting-change">
                <div className="output-head">
                  <strong>{pendingActionTitle(action.kind, keyLabel(action.identity_id, publicKeys ?? undefined))}</strong>
                  {!outcome && left > 0 && <span className="countdown" role="timer">Expires in {formatCountdown(left)}</span>}
                </div>
                {action.changes.length > 0 && (
                  <div className="fact">
                    <span className="hint">It would allow</span>
                    <ul className="changes" data-testid="waiting-change-changes">
                      {action.changes.map((change) => <li key={change}>{change}</li>)}
                    </ul>
                  </div>
                )}
                <p className="hint">Asked {describeTime(action.created_at, now)}</p>
                {outcome ? (
                  <p role="status" className={outcome.ok ? undefined : "danger-text"} data-testid="waiting-change-outcome">{outcome.text}</p>
                ) : left <= 0 ? (
                  <p className="hint">It expired unconfirmed: nothing changed.</p>
                ) : (
                  <button type="button" className="button button-small" onClick={() => void cancel(action)} disabled={busy === action.id} data-testid="cancel-change">
                    {busy === action.id ? "Cancelling…" : "Cancel it"}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
