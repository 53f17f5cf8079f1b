import { hex } from "@scure/base";
import { decodePsbt, encodePsbt } from "./decode.js";

/** A PSBT after finalising what can be, and the transaction when every input is complete. */
export interface FinalizedPsbt {
  /** base64 PSBT: complete inputs carry final_scriptwitness / final_scriptsig. */
  psbt: string;
  /** The signed transaction (hex) ready to broadcast, or null while any input is incomplete. */
  tx_hex: string | null;
}

/**
 * Finalises every input that has what it needs (a Taproot key-path signature, a complete
 * tapscript leaf, an ECDSA signature for a single-key script) and extracts the transaction when
 * all are final. Incomplete inputs are left as they are; this never throws because of them.
 * @throws PsbtError only when the PSBT itself cannot be decoded.
 */
export function finalizePsbt(psbtBase64: string): FinalizedPsbt {
  const { tx } = decodePsbt(psbtBase64);
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    if (input.finalScriptWitness?.length || input.finalScriptSig?.length) continue;
    try {
      tx.finalizeIdx(i);
    } catch {
      // not complete yet: another participant still has to sign
    }
  }
  let txHex: string | null = null;
  if (tx.isFinal) {
    try {
      txHex = hex.encode(tx.extract());
    } catch {
      // e.g. outputs above inputs: complete signatures, but no valid transaction
    }
  }
  return { psbt: encodePsbt(tx), tx_hex: txHex };
}
