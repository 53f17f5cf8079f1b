import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { base64 } from "@scure/base";
import { RawTx, Transaction } from "@scure/btc-signer";
import vectors from "./fixtures/bip341-wallet-test-vectors.json";

/** The official BIP-341 wallet test vectors, unchanged. */
export const BIP341 = vectors;
export const KEY_PATH = vectors.keyPathSpending[0]!;
export type KeyPathInput = (typeof KEY_PATH.inputSpending)[number];

/** The 33-byte compressed public key of a vector's internal private key. */
export const compressedKey = (privateKeyHex: string) => bytesToHex(secp256k1.getPublicKey(hexToBytes(privateKeyHex), true));

/**
 * The keyPathSpending transaction as a PSBT v0: every input gets the vector's spent output as
 * witness_utxo; the Taproot inputs the vector spends also get tap_internal_key, tap_merkle_root
 * (when the vector has one) and their hash type. The two non-Taproot inputs can be given the
 * final scriptSig/witness the vector's signed transaction carries, as another signer would.
 */
export function keyPathPsbt(opts: { withForeignFinals?: boolean } = {}): string {
  const { rawUnsignedTx, utxosSpent } = KEY_PATH.given;
  // The vector's second output script holds bytes that are no opcode: skip btc-signer's script checks.
  const tx = Transaction.fromRaw(hexToBytes(rawUnsignedTx), { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true });
  const signed = RawTx.decode(hexToBytes(KEY_PATH.auxiliary.fullySignedTx));
  utxosSpent.forEach((utxo, i) => {
    tx.updateInput(i, { witnessUtxo: { amount: BigInt(utxo.amountSats), script: hexToBytes(utxo.scriptPubKey) } }, true);
  });
  for (const spend of KEY_PATH.inputSpending) {
    const { txinIndex, merkleRoot, hashType } = spend.given;
    tx.updateInput(txinIndex, {
      tapInternalKey: hexToBytes(spend.intermediary.internalPubkey),
      ...(merkleRoot ? { tapMerkleRoot: hexToBytes(merkleRoot) } : {}),
      sighashType: hashType,
    }, true);
  }
  if (opts.withForeignFinals) {
    const spent = new Set(KEY_PATH.inputSpending.map((s) => s.given.txinIndex));
    signed.inputs.forEach((input, i) => {
      if (spent.has(i)) return;
      const witness = signed.witnesses?.[i] ?? [];
      tx.updateInput(i, {
        ...(input.finalScriptSig.length ? { finalScriptSig: input.finalScriptSig } : {}),
        ...(witness.length ? { finalScriptWitness: witness } : {}),
      }, true);
    });
  }
  return base64.encode(tx.toPSBT(0));
}
