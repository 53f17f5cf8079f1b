import { xOnlyPublicKey } from "../schnorr.js";
import type { BitcoinNetwork } from "../bitcoin.js";
import { bindingHash } from "./binding.js";
import { decodePsbt } from "./decode.js";
import { PsbtError } from "./errors.js";
import { signingJobs, type SigningJob } from "./jobs.js";
import { checkNetworks } from "./networks.js";
import { createOwnership } from "./ownership.js";
import { isP2tr, readPrevouts } from "./prevouts.js";
import { sighashContext } from "./sighash.js";
import { summarize } from "./summary.js";
import { bitcoinNetworkSchema, type TransactionSummary } from "./summary-schema.js";
import { estimateVsize } from "./vsize.js";

// BitcoinNetwork and the summary schema's enum must name the same networks.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const networksAgree: Same<BitcoinNetwork, TransactionSummary["network"]> = true;
void networksAgree;

/** Everything a signer needs to know about a PSBT, computed from the PSBT alone. */
export interface PsbtAnalysis {
  summary: TransactionSummary;
  jobs: SigningJob[];
  /** 64 hex: the hash a signing ticket for exactly this transaction and these jobs is bound to. */
  binding: string;
}

export interface AnalyzeOptions {
  /** Sign NONE/SINGLE/ANYONECANPAY inputs too. Never for requests the owner approves blind. */
  allowUnsafeSighash?: boolean;
}

/**
 * Decodes a base64 PSBT v0 (BIP-174 with BIP-371 Taproot fields) for the identity whose
 * 33-byte compressed key is `publicKeyHex`: what the transaction does (`summary`), which
 * signatures that key must make and over which BIP-341 sighashes (`jobs`), and the `binding`
 * hash a ticket must carry. Pure: no I/O, same answer in Workers, Node and browsers.
 * @throws PsbtError (`not_base64`, `bad_magic`, `malformed`, `unsupported_version`, `too_large`,
 *   `mixed_networks`, `missing_witness_utxo`, `non_taproot_only`, `no_inputs_for_key`,
 *   `unsafe_sighash`, `outputs_exceed_inputs`) with a message a person can act on.
 * @throws Error when `publicKeyHex` or `network` is not valid (a caller's mistake).
 */
export function analyzePsbt(psbtBase64: string, publicKeyHex: string, network: BitcoinNetwork, options: AnalyzeOptions = {}): PsbtAnalysis {
  const xOnlyKey = xOnlyPublicKey(publicKeyHex);
  if (!bitcoinNetworkSchema.safeParse(network).success) throw new Error(`unknown Bitcoin network: ${String(network)}`);
  try {
    return analyze(psbtBase64, xOnlyKey, network, options.allowUnsafeSighash ?? false);
  } catch (err) {
    if (err instanceof PsbtError) throw err;
    // Whatever else a hostile PSBT trips over is still a refused PSBT, not a crash.
    throw new PsbtError("malformed", `the PSBT could not be analysed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function analyze(psbtBase64: string, xOnlyKey: string, network: BitcoinNetwork, allowUnsafe: boolean): PsbtAnalysis {
  const { tx, xpubs } = decodePsbt(psbtBase64);
  checkNetworks(tx, xpubs, network);
  const prevouts = readPrevouts(tx);
  if (!prevouts.some((p) => isP2tr(p.script))) {
    throw new PsbtError("non_taproot_only", "the PSBT has no Taproot (P2TR) input: this signer only signs Taproot inputs");
  }
  const inputOwnership = createOwnership(xOnlyKey);
  const owned = prevouts.map((prevout, i) => inputOwnership(tx, i, prevout));
  const jobs = signingJobs(tx, sighashContext(tx, prevouts), owned, allowUnsafe);
  if (jobs.length === 0) {
    throw new PsbtError(
      "no_inputs_for_key",
      "no input of this PSBT is left for this key to sign: none pays its Taproot output (BIP-86, or tweaked by the input's tap_merkle_root) or lists a tapscript leaf with its key",
    );
  }
  const vsize = estimateVsize(tx, prevouts, owned);
  const summary = summarize(tx, prevouts, owned, { network, xOnlyKey, vsize });
  const binding = bindingHash({ network, xOnlyKey, txid: summary.txid, prevouts, jobs });
  return { summary, jobs, binding };
}
