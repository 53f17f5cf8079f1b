/** Why a PSBT was refused; stable codes a client can branch on. */
export type PsbtErrorReason =
  | "not_base64"
  | "bad_magic"
  | "malformed"
  | "unsupported_version"
  | "too_large"
  | "mixed_networks"
  | "missing_witness_utxo"
  | "non_taproot_only"
  | "no_inputs_for_key"
  | "unsafe_sighash"
  | "outputs_exceed_inputs"
  | "bad_signature";

/**
 * The one error the PSBT functions throw for input they refuse. `message` says what is wrong
 * and, where it helps, what to do; `input` names the offending input when there is one.
 */
export class PsbtError extends Error {
  override name = "PsbtError";
  constructor(
    readonly reason: PsbtErrorReason,
    message: string,
    readonly input?: number,
  ) {
    super(message);
  }
}
