import { Transaction, type TxOpts } from "@scure/btc-signer";
import { RawPSBTV0 } from "@scure/btc-signer/psbt.js";
import { base64 } from "@scure/base";
import { PsbtError } from "./errors.js";

/** Most inputs, and most outputs, a PSBT may have; far beyond any payment this signer makes. */
export const MAX_PSBT_INPUTS = 500;
export const MAX_PSBT_OUTPUTS = 500;
/** Largest PSBT accepted, in bytes once decoded. */
export const MAX_PSBT_BYTES = 1_000_000;

const MAGIC = [0x70, 0x73, 0x62, 0x74, 0xff]; // "psbt" 0xff (BIP-174)

/**
 * How PSBTs are parsed here. Other participants' unknown and proprietary fields are kept so a
 * multi-party PSBT survives a round trip through this signer; scripts this library has no name
 * for (OP_RETURN, custom leaves) are allowed because they are shown, not guessed at. The
 * library's own Taproot commitment checks cost an elliptic-curve operation per input (seconds
 * for hundreds of inputs): the inputs this key signs are checked in `ownership.ts` instead, and
 * other parties' inputs are theirs to check.
 */
export const PARSE_OPTIONS: TxOpts = {
  unknown: "ignore",
  proprietary: "ignore",
  allowUnknownOutputs: true,
  allowUnknownInputs: true,
  allowLegacyWitnessUtxo: true,
  allowUnknownVersion: true,
  disableScriptCheck: true,
};

function decodeBase64(psbtBase64: string): Uint8Array {
  if (typeof psbtBase64 !== "string" || psbtBase64.length === 0) {
    throw new PsbtError("not_base64", "the PSBT must be a non-empty base64 string");
  }
  if (psbtBase64.length > Math.ceil(MAX_PSBT_BYTES / 3) * 4) {
    throw new PsbtError("too_large", `the PSBT is larger than ${MAX_PSBT_BYTES} bytes`);
  }
  try {
    return base64.decode(psbtBase64.trim());
  } catch {
    throw new PsbtError("not_base64", "the PSBT is not valid base64 (standard alphabet, with padding)");
  }
}

/** A PSBT_GLOBAL_XPUB entry: the key's version bytes and its derivation from the master key. */
export type GlobalXpub = [{ version: number }, { fingerprint: number; path: number[] }];

/** A decoded PSBT: the transaction and the global extended public keys btc-signer keeps private. */
export interface DecodedPsbt {
  tx: Transaction;
  xpubs: GlobalXpub[];
}

/**
 * Decodes a base64 PSBT v0 (BIP-174, with BIP-371 Taproot fields) into a btc-signer transaction.
 * Checks only the container: base64, magic, structure, version and size limits. `options`
 * override `PARSE_OPTIONS`.
 * @throws PsbtError `not_base64`, `bad_magic`, `malformed`, `unsupported_version` or `too_large`.
 */
export function decodePsbt(psbtBase64: string, options: Partial<TxOpts> = {}): DecodedPsbt {
  const bytes = decodeBase64(psbtBase64);
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new PsbtError("bad_magic", 'this is not a PSBT: it must start with the magic bytes "psbt" 0xff');
  }
  let tx: Transaction;
  try {
    tx = Transaction.fromPSBT(bytes, { ...PARSE_OPTIONS, ...options });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new PsbtError("malformed", `the PSBT could not be decoded (truncated or invalid): ${detail}`);
  }
  if (tx.opts.PSBTVersion !== 0) {
    throw new PsbtError("unsupported_version", `PSBT version ${tx.opts.PSBTVersion} is not supported: send a version 0 PSBT (BIP-174)`);
  }
  if (tx.inputsLength > MAX_PSBT_INPUTS || tx.outputsLength > MAX_PSBT_OUTPUTS) {
    throw new PsbtError(
      "too_large",
      `the PSBT has ${tx.inputsLength} inputs and ${tx.outputsLength} outputs; at most ${MAX_PSBT_INPUTS} of each are accepted`,
    );
  }
  if (tx.inputsLength === 0 || tx.outputsLength === 0) {
    throw new PsbtError("malformed", "the PSBT's transaction needs at least one input and one output");
  }
  // Parsed a second time only for the global map, which Transaction does not expose.
  const xpubs = (RawPSBTV0.decode(bytes).global.xpub ?? []) as GlobalXpub[];
  return { tx, xpubs };
}

/** Encodes a transaction back into a base64 PSBT v0. */
export function encodePsbt(tx: Transaction): string {
  return base64.encode(tx.toPSBT(0));
}
