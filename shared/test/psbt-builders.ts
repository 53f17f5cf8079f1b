import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes, randomBytes } from "@noble/hashes/utils.js";
import { base64 } from "@scure/base";
import { p2tr, Script, TAPROOT_UNSPENDABLE_KEY, Transaction } from "@scure/btc-signer";
import { taprootOutputKey } from "../src/bitcoin.js";

/** A test identity: its secret, 33-byte public key, x-only key and BIP-86 output script. */
export function makeIdentity() {
  const secretKey = secp256k1.utils.randomSecretKey();
  const publicKey = bytesToHex(secp256k1.getPublicKey(secretKey, true));
  const xOnly = publicKey.slice(2);
  return { secretKey, publicKey, xOnly, script: hexToBytes(`5120${taprootOutputKey(xOnly)}`) };
}
export type Identity = ReturnType<typeof makeIdentity>;

/** An Ark-style collaborative leaf `<other> OP_CHECKSIGVERIFY <mine> OP_CHECKSIG` under an unspendable internal key. */
export function collaborativeOutput(otherXOnly: string, mineXOnly: string) {
  const leaf = Script.encode([hexToBytes(otherXOnly), "CHECKSIGVERIFY", hexToBytes(mineXOnly), "CHECKSIG"]);
  const payment = p2tr(TAPROOT_UNSPENDABLE_KEY, { script: leaf }, undefined, true);
  return { leaf, script: payment.script, tapLeafScript: payment.tapLeafScript!, tapInternalKey: payment.tapInternalKey };
}

export interface InputSpec {
  amount: bigint;
  script: Uint8Array;
  withoutWitnessUtxo?: boolean;
  sighashType?: number;
  fields?: Record<string, unknown>;
}

export interface OutputSpec {
  amount: bigint;
  script: Uint8Array;
  fields?: Record<string, unknown>;
}

/** Builds a base64 PSBT v0 spending made-up outpoints. */
export function buildPsbt(inputs: InputSpec[], outputs: OutputSpec[], opts: { unchecked?: boolean } = {}): string {
  // `unchecked` lets a test build what btc-signer itself would refuse (Taproot fields that lie).
  const tx = new Transaction({ allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: opts.unchecked, unknown: "ignore" });
  for (const input of inputs) {
    tx.addInput({
      txid: randomBytes(32),
      index: 1,
      ...(input.withoutWitnessUtxo ? {} : { witnessUtxo: { amount: input.amount, script: input.script } }),
      ...(input.sighashType === undefined ? {} : { sighashType: input.sighashType }),
      ...input.fields,
    });
  }
  for (const output of outputs) tx.addOutput({ amount: output.amount, script: output.script, ...output.fields });
  return base64.encode(tx.toPSBT(0));
}

/** A P2TR output script paying to someone else's fresh key. */
export const foreignP2tr = () => makeIdentity().script;
/** A P2WPKH output script with a made-up key hash. */
export const p2wpkhScript = () => Uint8Array.of(0x00, 0x14, ...randomBytes(20));

/**
 * Adds a PSBT_GLOBAL_XPUB entry (a depth-0 key with the given version bytes) to a PSBT, since
 * btc-signer offers no setter for it. Global key-value pairs may appear in any order.
 */
export function withGlobalXpub(psbtBase64: string, version: number): string {
  const bytes = base64.decode(psbtBase64);
  const xpub = new Uint8Array(78);
  new DataView(xpub.buffer).setUint32(0, version);
  xpub.set(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true), 45);
  const key = Uint8Array.of(79, 0x01, ...xpub);
  const value = Uint8Array.of(4, 0xde, 0xad, 0xbe, 0xef);
  return base64.encode(Uint8Array.from([...bytes.subarray(0, 5), ...key, ...value, ...bytes.subarray(5)]));
}

const N = secp256k1.Point.CURVE().n;
const toBig = (b: Uint8Array) => BigInt(`0x${bytesToHex(b)}`);
const toBytes = (n: bigint) => hexToBytes(n.toString(16).padStart(64, "0"));

/** BIP-341 taproot_tweak_seckey, written out here so tests do not lean on the code they check. */
export function tweakedSecret(secretKey: Uint8Array, tweak: Uint8Array): Uint8Array {
  const odd = secp256k1.getPublicKey(secretKey, true)[0] === 0x03;
  const d = odd ? N - toBig(secretKey) : toBig(secretKey);
  return toBytes((d + toBig(tweak)) % N);
}
