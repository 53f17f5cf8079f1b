import { formatBtc, formatSats, type TransactionSummary } from "@clw/shared";
import { BITCOIN_NETWORK } from "../config.js";
import { formatFeeRate } from "../request-words.js";
import { networkName } from "../settings.js";
import { CopyButton } from "./copy-button.js";

/**
 * A decoded transaction (PSBT), as the signer itself read it: the total leaving the key first,
 * then every output (address in full, amount in sats and BTC, change marked), the fee and fee
 * rate, the inputs, the network and the transaction id. What the owner approves is what is signed.
 */
export function TransactionDetails({ tx }: { tx: TransactionSummary }) {
  const mine = tx.inputs.filter((input) => input.mine);
  const others = tx.inputs.length - mine.length;
  return (
    <>
      <div className="fact">
        <span className="hint">Total leaving this key</span>
        <p className="amount" data-testid="spend">{formatSats(tx.spend_sats)}</p>
        <p className="amount-sub" data-testid="spend-btc">{formatBtc(tx.spend_sats)} · payments and fee, minus change</p>
      </div>
      {tx.network !== BITCOIN_NETWORK && (
        <p className="notice notice-warning" role="alert">
          This transaction is for {networkName(tx.network)}, but this app shows addresses for {networkName(BITCOIN_NETWORK)}. Check with whoever runs this service before approving.
        </p>
      )}
      <div className="fact">
        <span className="hint">Outputs ({tx.outputs.length})</span>
        <ol className="outputs" aria-label="Outputs">
          {tx.outputs.map((output) => (
            <li key={output.index} className="output" data-testid="output">
              <div className="output-head">
                <span className="hint">Output {output.index}</span>
                {output.mine && <span className="tag" data-testid="output-change">Change · back to this key</span>}
              </div>
              {output.address ? (
                <p className="mono break destination" data-testid="output-address">{output.address}</p>
              ) : (
                <p className="mono break destination" data-testid="output-address">
                  No address: script {output.script ?? "(empty)"}
                </p>
              )}
              <p>
                <strong data-testid="output-sats">{formatSats(output.amount_sats)}</strong> <span className="hint" data-testid="output-btc">{formatBtc(output.amount_sats)}</span>
              </p>
            </li>
          ))}
        </ol>
      </div>
      <dl className="facts">
        <dt>Fee</dt>
        <dd data-testid="fee">
          {formatSats(tx.fee_sats)} <span className="hint">{formatBtc(tx.fee_sats)}</span>
        </dd>
        <dt>Fee rate</dt>
        <dd data-testid="fee-rate">{formatFeeRate(tx.fee_rate_sat_vb)} <span className="hint">(estimated)</span></dd>
        <dt>Inputs</dt>
        <dd data-testid="inputs">
          {mine.length} from this key ({formatSats(mine.reduce((sum, input) => sum + input.amount_sats, 0))})
          {others > 0 && `, ${others} from others (this key does not sign them)`}
        </dd>
        <dt>Network</dt>
        <dd data-testid="network">{networkName(tx.network)}</dd>
        <dt>Transaction id</dt>
        <dd className="mono break" data-testid="txid">{tx.txid}</dd>
      </dl>
      <CopyButton value={tx.txid} label="Copy transaction id" />
    </>
  );
}
