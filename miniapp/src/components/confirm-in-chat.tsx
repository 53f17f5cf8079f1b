import type { PendingAction } from "@clw/shared";
import { useEffect, useRef } from "react";
import { botUsername, chatName } from "../bot-chat.js";
import { formatCountdown } from "../countdown.js";
import { inTelegram, useHost } from "../host.js";
import { followAction, type ActionProgress } from "../owner-action-flow.js";
import { useSession } from "../session-context.js";
import { useNow } from "../use-now.js";
import { Loading } from "./status.js";

/**
 * A change that waits for the owner's confirmation in Telegram: says where to confirm it and what
 * it would allow, counts down, and follows it (`GET /v1/actions/:id`) until it is decided;
 * `onSettled` gets the outcome (or `unknown` when it can no longer be followed).
 */
export function ConfirmInChat({ action, proofRefused, onSettled }: {
  action: PendingAction;
  /** Why the Mini App's own proof of presence did not count, when it was sent and refused. */
  proofRefused?: string | null;
  onSettled: (progress: ActionProgress) => void;
}) {
  const host = useHost();
  const { api, session, expire } = useSession();
  const settled = useRef(onSettled);
  settled.current = onSettled;
  const now = useNow(1000);
  const bot = botUsername(session);

  useEffect(() => {
    const abort = new AbortController();
    followAction(api, action.id, {
      signal: abort.signal,
      onProgress: (progress) => {
        if (progress.status !== "pending_confirmation") settled.current(progress);
      },
    }).catch(() => !abort.signal.aborted && expire());
    return () => abort.abort();
  }, [api, action.id, expire]);

  return (
    <section className="card confirm-in-chat" aria-labelledby="confirm-heading" data-testid="confirm-in-chat">
      <div className="card-head">
        <h2 id="confirm-heading">Confirm in Telegram</h2>
        <span className="countdown" role="timer">Expires in {formatCountdown(Date.parse(action.expires_at) - now)}</span>
      </div>
      <p className="lead">Confirm this in {chatName(bot)}.</p>
      <p>
        {action.kind === "destroy" ? "Destroying a key" : "Loosening a policy"} needs you in Telegram, so the bot sent you this change with <strong>{action.kind === "destroy" ? "Destroy it" : "Confirm"}</strong> and{" "}
        <strong>Cancel</strong> buttons. Nothing changes unless you confirm it there.
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
      <Loading label="Waiting for your confirmation in Telegram…" />
    </section>
  );
}
