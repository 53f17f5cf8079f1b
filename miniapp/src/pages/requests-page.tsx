import { type IntentState, keyLabel } from "@clw/shared";
import { formatCountdown } from "../countdown.js";
import { ErrorNotice, Loading } from "../components/status.js";
import { requestSummary } from "../request-words.js";
import { useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useAsync, type AsyncState } from "../use-async.js";
import { useNow } from "../use-now.js";

/** The requests waiting for the owner's decision, soonest to expire first. */
export function RequestsPage({ pending, onRetry, onOpen }: {
  pending: AsyncState<IntentState[]>;
  onRetry: () => void;
  onOpen: (id: string) => void;
}) {
  const { api } = useSession();
  const now = useNow(1000, pending.status === "ready" && pending.data.length > 0);
  // Keys are named by their public key, as on the keys screen; by their id until that loads.
  const identities = useAsync(() => api.listIdentities(), "request-keys");
  const publicKeys = new Map(identities.status === "ready" ? identities.data.map((i) => [i.id, i.public_key] as const) : []);
  return (
    <main className="page">
      <h1 className="title">Requests</h1>
      {pending.status === "loading" && <Loading label="Loading requests…" />}
      {pending.status === "error" && <ErrorNotice title="Could not load requests" message={failureMessage(pending.error)} action="Try again" onAction={onRetry} />}
      {pending.status === "ready" && pending.data.length === 0 && (
        <div className="empty">
          <p>Nothing is waiting for you.</p>
          <p className="hint">When an agent asks to pay or sign with a key that needs your approval, the request shows up here and in your chat with the bot.</p>
        </div>
      )}
      {pending.status === "ready" && pending.data.length > 0 && (
        <ul className="list" aria-label="Pending requests">
          {[...pending.data]
            .sort((a, b) => Date.parse(a.expires_at) - Date.parse(b.expires_at))
            .map((intent) => (
              <li key={intent.id}>
                <button type="button" className="row" onClick={() => onOpen(intent.id)}>
                  <span className="row-main">
                    <span className="row-title">{requestSummary(intent)}</span>
                    <span className="row-sub">{keyLabel(intent.identity_id, publicKeys)}{intent.requested_by ? ` · ${intent.requested_by}` : ""}</span>
                  </span>
                  <span className="row-side hint">{formatCountdown(Date.parse(intent.expires_at) - now)} left ›</span>
                </button>
              </li>
            ))}
        </ul>
      )}
    </main>
  );
}
