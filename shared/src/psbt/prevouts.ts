import type { Transaction } from "@scure/btc-signer";
import { bytesToHex } from "@noble/hashes/utils.js";
import { PsbtError } from "./errors.js";

/** 21 million BTC in satoshis: no amount, and no sum of amounts, can be larger. */
export const MAX_MONEY = 2_100_000_000_000_000n;

/** The output an input spends, as committed to by BIP-341 sighashes. */
export interface Prevout {
  /** The previous transaction's id, display order (hex). */
  txid: string;
  vout: number;
  amount: bigint;
  script: Uint8Array;
}

/** True for a SegWit v1 (P2TR) output script: OP_1 followed by a 32-byte push. */
export function isP2tr(script: Uint8Array): boolean {
  return script.length === 34 && script[0] === 0x51 && script[1] === 0x20;
}

/**
 * Reads the spent output of every input from its `witness_utxo`. Taproot sighashes commit to
 * every input's amount and script, so one missing `witness_utxo` makes every signature unsafe
 * to compute (a `non_witness_utxo` alone is not accepted: it would have to be trusted).
 * @throws PsbtError `missing_witness_utxo` naming the input, or `malformed` for impossible amounts.
 */
export function readPrevouts(tx: Transaction): Prevout[] {
  const prevouts: Prevout[] = [];
  let total = 0n;
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    if (!input.witnessUtxo) {
      throw new PsbtError(
        "missing_witness_utxo",
        `input ${i} has no witness_utxo: BIP-341 commits to every input's amount and script, so the PSBT must carry all of them`,
        i,
      );
    }
    const { amount, script } = input.witnessUtxo;
    total += amount;
    if (amount > MAX_MONEY || total > MAX_MONEY) {
      throw new PsbtError("malformed", `input ${i}'s amount is impossible: inputs add up to more than 21 million BTC`, i);
    }
    prevouts.push({ txid: bytesToHex(input.txid!), vout: input.index!, amount, script });
  }
  return prevouts;
}
