import { formatSats, type IntentState } from "@clw/shared";
import { useEffect, useState } from "react";
import { PrimaryButton } from "../components/primary-button.js";
import { RequestDetails } from "../components/request-details.js";
import { ErrorNotice, Loading } from "../components/status.js";
import { haptic, inTelegram, useHost } from "../host.js";
import { decisionFailure, outcomeOf } from "../request-words.js";
import { useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useNow } from "../use-now.js";
import { useRequest } from "../use-request.js";

type Outcome = "approved" | "denied" | "expired";

/**
 * One request for the owner's decision. Inside Telegram: the MainButton approves and a plain
 * button denies, each sending the launch's raw init data as proof the owner is present. In a
 * browser: the same facts, and the decision is made in the chat with the bot; the page follows it.
 */
export function RequestPage({ id, onDone, onChanged }: { id: string; onDone: () => void; onChanged: () => void }) {
  const host = useHost();
  const { view, update, reload } = useRequest(id);
  const [decisionError, setDecisionError] = useState<{ title: string; message: string } | null>(null);
  const waiting = view.kind === "ready" && view.intent.status === "pending_approval";
  const now = useNow(1000, waiting);
  const msLeft = view.kind === "ready" && waiting ? Date.parse(view.intent.expires_at) - now : null;
  const outcome: Outcome | null =
    view.kind === "expired" || (msLeft !== null && msLeft <= 0) ? "expired" : view.kind === "ready" ? outcomeOf(view.intent.status) : null;
  useEffect(() => {
    if (outcome) onChanged();
  }, [outcome, onChanged]);

  return (
    <main className="page">
      <h1 className="title">{outcome ? "Request" : "Review request"}</h1>
      {view.kind === "loading" && <Loading label="Loading the request…" />}
      {view.kind === "missing" && (
        <ErrorNotice
          title="Request not found"
          message="There is no such request for this account. Check that you are signed in with the Telegram account the request was sent to."
          action="See pending requests"
          onAction={onDone}
        />
      )}
      {view.kind === "error" && <ErrorNotice title="Could not load the request" message={failureMessage(view.error)} action="Try again" onAction={reload} />}
      {outcome && <OutcomeCard outcome={outcome} intent={view.kind === "ready" ? view.intent : null} onDone={onDone} />}
      {view.kind === "ready" && (
        <>
          {!outcome && decisionError && <ErrorNotice title={decisionError.title} message={decisionError.message} />}
          <RequestDetails intent={view.intent} publicKeys={view.publicKeys} msLeft={outcome ? null : msLeft} />
          {!outcome && (inTelegram(host) ? <TelegramDecision intent={view.intent} onDecided={update} onGone={reload} onError={setDecisionError} /> : <DecideInTelegram />)}
        </>
      )}
    </main>
  );
}

/** Approve (MainButton) and Deny (a plain destructive button), with the raw init data as proof. */
function TelegramDecision({ intent, onDecided, onGone, onError: setError }: {
  intent: IntentState;
  onDecided: (intent: IntentState) => void;
  onGone: () => void;
  onError: (error: { title: string; message: string } | null) => void;
}) {
  const host = useHost();
  const { api, expire } = useSession();
  const [busy, setBusy] = useState<"approve" | "deny" | null>(null);
  const initData = host.kind === "telegram" ? host.initData : undefined;

  const decide = async (approve: boolean) => {
    if (busy) return;
    if (!initData) {
      haptic.error();
      setError({ title: "Telegram sent no proof it's you", message: "Close the Mini App and open it again from the bot's message, then decide." });
      return;
    }
    setBusy(approve ? "approve" : "deny");
    setError(null);
    try {
      const next = await api.decideSignIntent(intent.id, approve, initData);
      if (approve) haptic.success();
      else haptic.warning();
      onDecided(next);
    } catch (e) {
      haptic.error();
      const failure = decisionFailure(e);
      if (failure.kind === "session") expire();
      else if (failure.kind === "gone") onGone();
      else setError({ title: failure.title, message: failure.message });
      setBusy(null);
    }
  };

  return (
    <>
      <PrimaryButton text="Approve" onClick={() => void decide(true)} busy={busy === "approve"} disabled={busy !== null} testId="approve" />
      <button type="button" className="button button-deny button-block" onClick={() => void decide(false)} disabled={busy !== null}>
        {busy === "deny" ? "Denying…" : "Deny"}
      </button>
    </>
  );
}

/** In a browser the decision is confirmed in Telegram; this page waits for it. */
function DecideInTelegram() {
  const { session } = useSession();
  return (
    <section className="card" aria-labelledby="decide-heading">
      <h2 id="decide-heading">Decide in Telegram</h2>
      <p>
        For your safety, requests are approved only in Telegram. The bot sent you this request with <strong>Approve</strong> and <strong>Deny</strong> buttons.
      </p>
      {session.bot && (
        <a className="button button-primary button-block" href={`https://t.me/${session.bot}`} target="_blank" rel="noreferrer">
          Open @{session.bot} in Telegram
        </a>
      )}
      <Loading label="Waiting for your decision in Telegram…" />
      <p className="hint">This page updates by itself when you decide.</p>
    </section>
  );
}

const OUTCOMES: Record<Outcome, { mark: string; title: string; text: (what: string) => string }> = {
  approved: { mark: "✓", title: "Approved", text: (what) => `You approved ${what}. The agent can now sign it, once.` },
  denied: { mark: "✕", title: "Denied", text: (what) => `You denied ${what}. Nothing will be signed; the agent is told.` },
  expired: { mark: "⏱", title: "Expired", text: (what) => `No decision was made in time on ${what}, so nothing will be signed. The agent can ask again.` },
};

const DECIDED_VIA: Record<string, string> = { chat: "in the chat with the bot", miniapp: "in the Mini App", policy: "automatically, by the key's policy" };

function OutcomeCard({ outcome, intent, onDone }: { outcome: Outcome; intent: IntentState | null; onDone: () => void }) {
  const { mark, title, text } = OUTCOMES[outcome];
  const what = intent?.payment ? `the payment of ${formatSats(intent.payment.amount_sats)}` : "this request";
  return (
    <>
      <section className={`card result result-${outcome}`} role="status" data-testid="outcome">
        <span className="result-mark" aria-hidden="true">{mark}</span>
        <p className="result-title">{title}</p>
        <p>{text(what)}</p>
        {intent?.decided_via && outcome !== "expired" && <p className="hint">Decided {DECIDED_VIA[intent.decided_via] ?? intent.decided_via}.</p>}
      </section>
      <PrimaryButton text="Back to requests" onClick={onDone} testId="back-to-requests" />
    </>
  );
}
