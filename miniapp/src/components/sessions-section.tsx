import { useState } from "react";
import { describeTime } from "../relative-time.js";
import { describeUntil, orderSessions, sessionLabelClaim, sessionVia } from "../session-words.js";
import { haptic } from "../host.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useAsync } from "../use-async.js";
import { ErrorNotice, Loading } from "./status.js";

/**
 * The owner's live sessions (how each was opened, the name its requester gave itself as that
 * requester's claim, the current one marked) and "Sign out everywhere", which ends them all,
 * this tab's included.
 */
export function SessionsSection({ onSignedOutEverywhere }: { onSignedOutEverywhere: () => void }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const sessions = useAsync(() => guarded(() => api.listSessions()), "sessions");
  const [step, setStep] = useState<"idle" | "confirm" | "working">("idle");
  const [error, setError] = useState<string | null>(null);

  const signOutEverywhere = async () => {
    setStep("working");
    setError(null);
    try {
      await guarded(() => api.revokeAllSessions());
      haptic.success();
      onSignedOutEverywhere();
    } catch (e) {
      haptic.error();
      setError(failureMessage(e));
      setStep("confirm");
    }
  };

  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      <p className="hint">Everything signed in to your account now: this app, browsers and programs that signed in with a link you approved.</p>
      {sessions.status === "loading" && <Loading label="Loading sessions…" />}
      {sessions.status === "error" && <ErrorNotice title="Could not load your sessions" message={failureMessage(sessions.error)} action="Try again" onAction={sessions.reload} />}
      {sessions.status === "ready" && (
        <ul className="sessions" aria-label="Sessions">
          {orderSessions(sessions.data).map((session) => {
            const claim = sessionLabelClaim(session.client_label);
            return (
              <li key={session.id} className="session" data-testid="session">
                <div className="output-head">
                  <strong>{sessionVia(session.via)}</strong>
                  {session.current && <span className="tag" data-testid="current-session">This device</span>}
                </div>
                {claim && (
                  <p className="claim-line" data-testid="session-label">
                    {claim} <span className="hint">(its own claim)</span>
                  </p>
                )}
                <p className="hint">
                  Signed in {describeTime(session.created_at)} · ends {describeUntil(session.expires_at)} · requests name it “API session <span className="mono">{session.id}</span>”
                </p>
              </li>
            );
          })}
        </ul>
      )}
      {step === "idle" ? (
        <button type="button" className="button button-danger" onClick={() => { haptic.warning(); setStep("confirm"); }} data-testid="sign-out-everywhere">
          Sign out everywhere…
        </button>
      ) : (
        <div role="alertdialog" aria-labelledby="everywhere-text">
          <p id="everywhere-text">
            <strong>End every session, this one included?</strong> Browsers and programs signed in to your account stop working at once; each must sign in again. Your keys stay as they are.
          </p>
          {error && <ErrorNotice title="Could not sign out everywhere" message={error} />}
          <div className="button-row">
            <button type="button" className="button button-secondary" onClick={() => setStep("idle")} disabled={step === "working"}>
              Keep them
            </button>
            <button type="button" className="button button-danger" onClick={signOutEverywhere} disabled={step === "working"}>
              {step === "working" ? "Signing out…" : "Yes, sign out everywhere"}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
