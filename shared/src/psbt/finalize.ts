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
 * Finalises every input that has what it needs (a Taproot key-path signature, every signature
 * of a k-of-k or m-of-n tapscript leaf, an ECDSA signature for a single-key script) and extracts
 * the transaction when all are final. Incomplete inputs, and leaves of any other shape, are left
 * as they are for their owners to finalise; this never throws because of them.
 * @throws PsbtError only when the PSBT itself cannot be decoded.
 */
export function finalizePsbt(psbtBase64: string): FinalizedPsbt {
  // Without allowUnknownInputs btc-signer finalises only shapes it knows (key path, k-of-k and
  // m-of-n leaves); for other leaves it would guess a witness from whatever signatures are there.
  const { tx } = decodePsbt(psbtBase64, { allowUnknownInputs: false });
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
