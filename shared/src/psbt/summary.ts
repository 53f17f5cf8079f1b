import type { Transaction } from "@scure/btc-signer";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { taprootOutputKey, type BitcoinNetwork } from "../bitcoin.js";
import { scriptAddress } from "./address.js";
import { PsbtError } from "./errors.js";
import type { Ownership } from "./ownership.js";
import { MAX_MONEY, type Prevout } from "./prevouts.js";
import type { SummaryOutput, TransactionSummary } from "./summary-schema.js";

/**
 * The id of the transaction without any scriptSig or witness, display order. Signatures never
 * change it (for a transaction of SegWit inputs it is also the final txid).
 */
export function unsignedTxid(tx: Transaction): string {
  return bytesToHex(sha256(sha256(tx.unsignedTx)).reverse());
}

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);

function readOutputs(tx: Transaction, network: BitcoinNetwork, changeScript: string) {
  const outputs: Array<SummaryOutput & { amount: bigint }> = [];
  let total = 0n;
  for (let index = 0; index < tx.outputsLength; index++) {
    const { script, amount } = tx.getOutput(index);
    total += amount!;
    if (amount! > MAX_MONEY || total > MAX_MONEY) {
      throw new PsbtError("malformed", `output ${index}'s amount is impossible: outputs add up to more than 21 million BTC`);
    }
    const hex = bytesToHex(script!);
    const address = scriptAddress(script!, network);
    const output: SummaryOutput & { amount: bigint } = { index, address, amount_sats: Number(amount), mine: hex === changeScript, amount: amount! };
    if (address === null) output.script = hex;
    outputs.push(output);
  }
  return outputs;
}

/**
 * Builds what the owner is shown. `mine` on an output means it pays this identity's own BIP-86
 * address (change). `spend_sats` is this identity's inputs minus its outputs, clamped at 0: when
 * someone else's inputs pay this identity more than it puts in, nothing leaves it.
 * `fee_rate_sat_vb` is the fee over the estimated signed vsize, rounded to 2 decimals.
 * @throws PsbtError `outputs_exceed_inputs` or `malformed` (impossible amounts).
 */
export function summarize(
  tx: Transaction,
  prevouts: Prevout[],
  owned: Ownership[],
  ctx: { network: BitcoinNetwork; xOnlyKey: string; vsize: number },
): TransactionSummary {
  const changeScript = `5120${taprootOutputKey(ctx.xOnlyKey)}`;
  const outputs = readOutputs(tx, ctx.network, changeScript);
  const totalIn = sum(prevouts.map((p) => p.amount));
  const totalOut = sum(outputs.map((o) => o.amount));
  if (totalOut > totalIn) {
    throw new PsbtError("outputs_exceed_inputs", `the outputs (${totalOut} sats) spend more than the inputs (${totalIn} sats): the transaction is invalid`);
  }
  const myIn = sum(prevouts.filter((_, i) => owned[i]!.path !== null).map((p) => p.amount));
  const myOut = sum(outputs.filter((o) => o.mine).map((o) => o.amount));
  const fee = totalIn - totalOut;
  return {
    network: ctx.network,
    txid: unsignedTxid(tx),
    inputs: prevouts.map((p, index) => ({ index, amount_sats: Number(p.amount), mine: owned[index]!.path !== null, path: owned[index]!.path })),
    outputs: outputs.map(({ amount: _, ...output }) => output),
    fee_sats: Number(fee),
    fee_rate_sat_vb: Math.round((Number(fee) / ctx.vsize) * 100) / 100,
    spend_sats: Number(myIn > myOut ? myIn - myOut : 0n),
  };
}
