import type { BitcoinNetwork } from "@clw/shared";
import { analyzePsbt, PsbtError, type PsbtAnalysis } from "@clw/shared/psbt";
import { AppError } from "../errors.js";

/**
 * Decodes a PSBT for the identity whose compressed key is `publicKey`, as the policy and the
 * owner see it.
 * @throws AppError 400 `invalid_psbt` with a message a person can act on (naming the input).
 */
export function analyzeForPolicy(psbt: string, publicKey: string, network: BitcoinNetwork, allowUnsafeSighash: boolean): PsbtAnalysis {
  try {
    return analyzePsbt(psbt, publicKey, network, { allowUnsafeSighash });
  } catch (error) {
    if (error instanceof PsbtError) throw new AppError(400, "invalid_psbt", error.message);
    throw error;
  }
}
