import type { IntentState } from "@clw/shared";
import { useEffect, useState } from "react";
import { botUsername, chatName } from "../bot-chat.js";
import { PrimaryButton } from "../components/primary-button.js";
import { RequestDetails } from "../components/request-details.js";
import { ErrorNotice, Loading } from "../components/status.js";
import { haptic, inTelegram, useHost } from "../host.js";
import { openedForRequest } from "../init-data.js";
import { decisionFailure, outcomeOf, requestNoun } from "../request-words.js";
import { useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useNow } from "../use-now.js";
import { useRequest } from "../use-request.js";

type Outcome = "approved" | "denied" | "expired";
type Notice = { title: string; message: string };

/**
 * One request for the owner's decision. Inside Telegram, opened from this request's Review button
 * (its start param): the MainButton approves and a plain button denies, with the launch's init
 * data as proof. Opened any other way, or in a browser: the same facts, and the decision is made
 * with the buttons in the chat; the page follows it.
 */
export function RequestPage({ id, onDone, onChanged }: { id: string; onDone: () => void; onChanged: () => void }) {
  const host = useHost();
  const { view, update, reload } = useRequest(id);
  const [decisionError, setDecisionError] = useState<Notice | null>(null);
  // Approving here needs init data bound to this request; anything else decides in the chat.
  const [decideHere, setDecideHere] = useState(() => host.kind === "telegram" && openedForRequest(host.initData, id));
  const waiting = view.kind === "ready" && view.intent.status === "pending_approval";
  const now = useNow(1000, waiting);
  const msLeft = view.kind === "ready" && waiting ? Date.parse(view.intent.expires_at) - now : null;
  const outcome: Outcome | null =
    view.kind === "expired" || (msLeft !== null && msLeft <= 0) ? "expired" : view.kind === "ready" ? outcomeOf(view.intent.status) : null;
  useEffect(() => {
    if (outcome) onChanged();
  }, [outcome, onChanged]);
  const toChat = (notice: Notice) => {
    setDecisionError(notice);
    setDecideHere(false);
  };

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
          {!outcome &&
            (decideHere ? (
              <TelegramDecision intent={view.intent} onDecided={update} onGone={reload} onError={setDecisionError} onChat={toChat} />
            ) : (
              <DecideInChat />
            ))}
        </>
      )}
    </main>
  );
}

/** Approve (MainButton) and Deny (a plain destructive button), with the raw init data as proof. */
function TelegramDecision({ intent, onDecided, onGone, onError: setError, onChat }: {
  intent: IntentState;
  onDecided: (intent: IntentState) => void;
  onGone: () => void;
  onError: (error: Notice | null) => void;
  /** The proof did not count: decide in the chat instead. */
  onChat: (why: Notice) => void;
}) {
  const host = useHost();
  const { api, expire } = useSession();
  const [busy, setBusy] = useState<"approve" | "deny" | null>(null);
  const initData = host.kind === "telegram" ? host.initData : undefined;

  const decide = async (approve: boolean) => {
    if (busy || !initData) return;
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
      else if (failure.kind === "chat") onChat({ title: failure.title, message: failure.message });
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

/**
 * The decision is made with the buttons of the bot's message about this request; this page waits
 * for it. Inside Telegram this is because the Mini App was not opened for this very request.
 */
function DecideInChat() {
  const host = useHost();
  const { session } = useSession();
  const bot = botUsername(session);
  return (
    <section className="card" aria-labelledby="decide-heading" data-testid="decide-in-chat">
      <h2 id="decide-heading">Decide in Telegram</h2>
      {inTelegram(host) ? (
        <p>
          This Mini App wasn't opened from this request's <strong>Review</strong> button, so it can't approve it. Use <strong>Approve</strong> or <strong>Deny</strong> on the
          bot's message about it in {chatName(bot)}, or open it from its Review button.
        </p>
      ) : (
        <p>
          For your safety, requests are approved only in Telegram. The bot sent you this request in {chatName(bot)} with <strong>Approve</strong> and <strong>Deny</strong> buttons.
        </p>
      )}
      {bot && !inTelegram(host) && (
        <a className="button button-primary button-block" href={`https://t.me/${bot}`} target="_blank" rel="noreferrer">
          Open @{bot} in Telegram
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
  return (
    <>
      <section className={`card result result-${outcome}`} role="status" data-testid="outcome">
        <span className="result-mark" aria-hidden="true">{mark}</span>
        <p className="result-title">{title}</p>
        <p>{text(requestNoun(intent))}</p>
        {intent?.decided_via && outcome !== "expired" && <p className="hint">Decided {DECIDED_VIA[intent.decided_via] ?? intent.decided_via}.</p>}
      </section>
      <PrimaryButton text="Back to requests" onClick={onDone} testId="back-to-requests" />
    </>
  );
}
