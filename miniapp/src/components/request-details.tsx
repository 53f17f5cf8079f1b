import { formatBtc, formatSats, type IntentState, keyLabel } from "@clw/shared";
import { formatCountdown } from "../countdown.js";
import { requesterLabel } from "../request-words.js";
import { CopyButton } from "./copy-button.js";

/**
 * What the owner is asked to approve, amount first: the amount in sats and BTC, the destination
 * in full, the memo; or, without payment details, a plain warning that only a digest is signed.
 * Then which key, who asked, the digest hash and, while it waits, the time left.
 */
export function RequestDetails({ intent, publicKeys, msLeft }: {
  intent: IntentState;
  publicKeys: ReadonlyMap<string, string>;
  /** Time left to decide, or null once decided. */
  msLeft: number | null;
}) {
  const { payment } = intent;
  return (
    <>
      <section className="card" aria-labelledby="request-heading">
        <div className="card-head">
          <h2 id="request-heading">{payment ? "Payment" : "Signature"}</h2>
          {msLeft !== null && (
            <span className={`countdown ${msLeft < 60_000 ? "countdown-late" : ""}`} role="timer" data-testid="countdown">
              Expires in {formatCountdown(msLeft)}
            </span>
          )}
        </div>
        {payment ? (
          <>
            <p className="amount" data-testid="amount">{formatSats(payment.amount_sats)}</p>
            <p className="hint" data-testid="amount-btc">{formatBtc(payment.amount_sats)}</p>
            <div className="fact">
              <span className="hint">To</span>
              <p className="mono break destination" data-testid="destination">{payment.destination}</p>
              <CopyButton value={payment.destination} label="Copy address" />
            </div>
            {payment.memo && (
              <div className="fact">
                <span className="hint">Memo</span>
                <p className="break" data-testid="memo">{payment.memo}</p>
              </div>
            )}
          </>
        ) : (
          <>
            <p className="amount amount-none">No payment details</p>
            <p data-testid="no-payment">
              This request signs a digest without payment details: the agent did not say what it pays or to whom. Approve only if you expect it.
            </p>
          </>
        )}
      </section>
      <section className="card" aria-label="Details">
        <dl className="facts">
          <dt>Key</dt>
          <dd>{capitalize(keyLabel(intent.identity_id, publicKeys))}</dd>
          <dt>Asked by</dt>
          <dd>{capitalize(requesterLabel(intent.requested_by))}</dd>
          <dt>Asked at</dt>
          <dd>{new Date(intent.created_at).toLocaleString("en")}</dd>
          <dt>Digest hash</dt>
          <dd className="mono break" data-testid="digest-hash">{intent.digest_hash}</dd>
        </dl>
      </section>
    </>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
