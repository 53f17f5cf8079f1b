import { ClwApiError, type PendingAction } from "@clw/shared";
import { useEffect, useRef, useState } from "react";
import { botUsername, chatName } from "../bot-chat.js";
import { formatCountdown } from "../countdown.js";
import { haptic, inTelegram, useHost } from "../host.js";
import { followAction, type ActionProgress } from "../owner-action-flow.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useNow } from "../use-now.js";
import { ErrorNotice, Loading } from "./status.js";

/**
 * A change that waits for the owner's confirmation in Telegram: says where to confirm it and what
 * it would allow, counts down, offers to cancel it here, and follows it (`GET /v1/actions/:id`)
 * until it is decided; `onSettled` gets the outcome, once (or `unknown` when it can no longer be
 * followed).
 */
export function ConfirmInChat({ action, proofRefused, onSettled }: {
  action: PendingAction;
  /** Why the Mini App's own proof of presence did not count, when it was sent and refused. */
  proofRefused?: string | null;
  onSettled: (progress: ActionProgress) => void;
}) {
  const host = useHost();
  const { api, session, expire } = useSession();
  const guarded = useGuarded();
  const settled = useRef(onSettled);
  settled.current = onSettled;
  // Following and cancelling may both learn the outcome: the page hears it once.
  const done = useRef(false);
  const finish = (progress: ActionProgress) => {
    if (done.current) return;
    done.current = true;
    settled.current(progress);
  };
  const finishRef = useRef(finish);
  finishRef.current = finish;
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const now = useNow(1000);
  const bot = botUsername(session);

  useEffect(() => {
    const abort = new AbortController();
    followAction(api, action.id, {
      signal: abort.signal,
      onProgress: (progress) => {
        if (progress.status !== "pending_confirmation") finishRef.current(progress);
      },
    }).catch(() => !abort.signal.aborted && expire());
    return () => abort.abort();
  }, [api, action.id, expire]);

  const cancel = async () => {
    setCancelling(true);
    setCancelError(null);
    try {
      const state = await guarded(() => api.cancelAction(action.id));
      haptic.success();
      return finish({ status: state.status, action: state });
    } catch (error) {
      // Decided in the chat (or expired) a moment ago: say what became of it instead.
      if (error instanceof ClwApiError && error.status === 409) {
        const state = await api.getAction(action.id).catch(() => null);
        if (state && state.status !== "pending_confirmation") return finish({ status: state.status, action: state });
      }
      haptic.error();
      setCancelError(failureMessage(error));
      setCancelling(false);
    }
  };

  return (
    <section className="card confirm-in-chat" aria-labelledby="confirm-heading" data-testid="confirm-in-chat">
      <div className="card-head">
        <h2 id="confirm-heading">Confirm in Telegram</h2>
        <span className="countdown" role="timer">Expires in {formatCountdown(Date.parse(action.expires_at) - now)}</span>
      </div>
      <p className="lead">Confirm this in {chatName(bot)}.</p>
      <p>
        {action.kind === "destroy" ? "Destroying a key" : "Loosening a policy"} needs you in Telegram, so the bot sent you this change with <strong>{action.kind === "destroy" ? "Destroy it" : "Confirm"}</strong> and{" "}
        <strong>Cancel</strong> buttons. Nothing changes unless you confirm it there. Changed your mind? Cancel it here.
      </p>
      {proofRefused && <p className="hint">The Mini App's own proof that you're here did not count: {proofRefused}.</p>}
      {action.changes.length > 0 && (
        <div className="fact">
          <span className="hint">It would allow</span>
          <ul className="changes" data-testid="pending-changes">
            {action.changes.map((change) => (
              <li key={change}>{change}</li>
            ))}
          </ul>
        </div>
      )}
      {bot && !inTelegram(host) && (
        <a className="button button-primary button-block" href={`https://t.me/${bot}`} target="_blank" rel="noreferrer">
          Open @{bot} in Telegram
        </a>
      )}
      {cancelError && <ErrorNotice title="Could not cancel it" message={cancelError} />}
      <button type="button" className="button button-secondary" onClick={() => void cancel()} disabled={cancelling} data-testid="cancel-pending">
        {cancelling ? "Cancelling…" : "Cancel this change"}
      </button>
      <Loading label="Waiting for your confirmation in Telegram…" />
    </section>
  );
}
