import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { decodePsbt, encodePsbt } from "./decode.js";
import { PsbtError } from "./errors.js";
import { isP2tr } from "./prevouts.js";
import { tapLeafHash } from "./taproot.js";

/** A Schnorr signature for one input, as a signer returns it. */
export interface TaprootSignature {
  index: number;
  path: "key" | "script";
  /** The tapscript leaf signed for (script path only), hex. */
  leafHash?: string;
  /** The key the signature verifies against (x-only, hex): the output key Q on the key path. */
  xOnlyPublicKey: string;
  /** 64 bytes (SIGHASH_DEFAULT) or 65 bytes (hash type appended), hex. */
  signature: string;
}

const HEX = (bytes: number[]) => new RegExp(`^(?:${bytes.map((n) => `[0-9a-f]{${n * 2}}`).join("|")})$`);
const SIG = HEX([64, 65]);
const KEY = HEX([32]);

function bad(s: TaprootSignature, why: string): never {
  throw new PsbtError("bad_signature", `the signature for input ${s.index} ${why}`, s.index);
}

/**
 * Adds Taproot signatures to a PSBT (BIP-371): a key-path one as tap_key_sig, a script-path one
 * as tap_script_sig keyed by (x-only key, leaf hash), replacing an earlier signature in the same
 * slot. Every other field and every other input is left as it was, so other parties' signatures
 * in a multi-party PSBT survive. Signatures are placed, not verified: verify before calling.
 * @returns the updated PSBT, base64.
 * @throws PsbtError from decoding the PSBT, or `bad_signature` when a signature is malformed,
 *   names no input, no Taproot input, or a leaf the input does not list.
 */
export function addTaprootSignatures(psbtBase64: string, signatures: TaprootSignature[]): string {
  const { tx } = decodePsbt(psbtBase64);
  for (const s of signatures) {
    if (!Number.isInteger(s.index) || s.index < 0 || s.index >= tx.inputsLength) bad(s, "names no input of this PSBT");
    if (!SIG.test(s.signature)) bad(s, "must be 64 or 65 bytes of lowercase hex");
    if (!KEY.test(s.xOnlyPublicKey)) bad(s, "must name a 32-byte x-only key in lowercase hex");
    const input = tx.getInput(s.index);
    if (!input.witnessUtxo || !isP2tr(input.witnessUtxo.script)) bad(s, "is for an input that is not Taproot");
    const signature = hexToBytes(s.signature);
    if (s.path === "key") {
      tx.updateInput(s.index, { tapKeySig: signature }, true);
      continue;
    }
    const leaves = (input.tapLeafScript ?? []).map(([, script]) => tapLeafHash(script.subarray(0, -1), script[script.length - 1]));
    if (!s.leafHash || !leaves.includes(s.leafHash)) bad(s, "names a leaf the input does not list in tap_leaf_script");
    const key = { pubKey: hexToBytes(s.xOnlyPublicKey), leafHash: hexToBytes(s.leafHash) };
    const previous = (input.tapScriptSig ?? []).find(
      ([k]) => bytesToHex(k.pubKey) === s.xOnlyPublicKey && bytesToHex(k.leafHash) === s.leafHash,
    );
    // btc-signer refuses a second value under the same key: drop the old one first.
    if (previous) tx.updateInput(s.index, { tapScriptSig: [[previous[0], undefined as never]] }, true);
    tx.updateInput(s.index, { tapScriptSig: [[key, signature]] }, true);
  }
  return encodePsbt(tx);
}
