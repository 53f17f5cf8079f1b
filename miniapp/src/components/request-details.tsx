import { formatBtc, formatSats, type IntentState, keyLabel, type Payment } from "@clw/shared";
import { formatCountdown } from "../countdown.js";
import { requesterLabel } from "../request-words.js";
import { CopyButton } from "./copy-button.js";
import { TransactionDetails } from "./transaction-details.js";

/**
 * What the owner is asked to approve: a decoded transaction output by output, or a raw digest,
 * said plainly to be uncheckable, with any payment shown as the requester's unverified claim.
 * Then which key, who asked, when, and, while it waits, the time left.
 */
export function RequestDetails({ intent, publicKeys, msLeft }: {
  intent: IntentState;
  publicKeys: ReadonlyMap<string, string>;
  /** Time left to decide, or null once decided. */
  msLeft: number | null;
}) {
  return (
    <>
      <section className="card" aria-labelledby="request-heading">
        <div className="card-head">
          <h2 id="request-heading">{intent.transaction ? "Transaction" : "Raw digest"}</h2>
          {msLeft !== null && (
            <span className={`countdown ${msLeft < 60_000 ? "countdown-late" : ""}`} role="timer" data-testid="countdown">
              Expires in {formatCountdown(msLeft)}
            </span>
          )}
        </div>
        {intent.transaction ? <TransactionDetails tx={intent.transaction} /> : <RawDigest payment={intent.payment} />}
      </section>
      <section className="card" aria-label="Details">
        <dl className="facts">
          <dt>Key</dt>
          <dd>{capitalize(keyLabel(intent.identity_id, publicKeys))}</dd>
          <dt>Asked by</dt>
          <dd>{capitalize(requesterLabel(intent.requested_by))}</dd>
          <dt>Asked at</dt>
          <dd>{new Date(intent.created_at).toLocaleString("en")}</dd>
          {!intent.transaction && (
            <>
              <dt>Digest hash</dt>
              <dd className="mono break" data-testid="digest-hash">{intent.digest_hash}</dd>
            </>
          )}
        </dl>
      </section>
    </>
  );
}

/** A raw digest: 32 bytes nobody can read back into a payment; what the requester says about it is a claim. */
function RawDigest({ payment }: { payment: Payment | null }) {
  return (
    <>
      <p className="notice notice-warning" data-testid="raw-digest">
        <strong>Its content can't be checked.</strong> A raw digest is 32 bytes: nobody, not even clw.cash, can tell what signing it pays or to whom, and no limit of
        your policy can cap it. Approve only if you know what it is.
      </p>
      {payment ? (
        <div className="claim" data-testid="declared-payment">
          <p className="claim-label">Declared by the requester, not verified</p>
          <p className="amount" data-testid="amount">{formatSats(payment.amount_sats)}</p>
          <p className="hint" data-testid="amount-btc">{formatBtc(payment.amount_sats)}</p>
          <div className="fact">
            <span className="hint">To (claimed)</span>
            <p className="mono break destination" data-testid="destination">{payment.destination}</p>
            <CopyButton value={payment.destination} label="Copy address" />
          </div>
          {payment.memo && (
            <div className="fact">
              <span className="hint">Memo</span>
              <p className="break" data-testid="memo">{payment.memo}</p>
            </div>
          )}
        </div>
      ) : (
        <p data-testid="no-payment">The requester did not say what it pays or to whom.</p>
      )}
    </>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
