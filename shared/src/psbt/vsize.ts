import { Script, type Transaction } from "@scure/btc-signer";
import { TaprootControlBlock } from "@scure/btc-signer/psbt.js";
import type { Ownership } from "./ownership.js";
import { isP2tr, type Prevout } from "./prevouts.js";
import { compactSize } from "./taproot.js";

// Sizes of a typical ECDSA spend: a 72-byte DER signature with its hash type and a 33-byte key.
const P2WPKH_WITNESS = 1 + (1 + 72) + (1 + 33);
const P2PKH_SCRIPTSIG = 1 + 72 + 1 + 33;
const P2SH_P2WPKH_SCRIPTSIG = 1 + 22;
const CHECKSIG_OPS = new Set(["CHECKSIG", "CHECKSIGVERIFY", "CHECKSIGADD"]);

interface InputSize {
  scriptSig: number;
  /** Serialized witness stack including its item count; 0 when the input has none. */
  witness: number;
}

const items = (lengths: number[]) =>
  compactSize(lengths.length).length + lengths.reduce((sum, n) => sum + compactSize(n).length + n, 0);

/** One signature per key the leaf checks (a 32-byte push right before a CHECKSIG-family opcode). */
function leafWitness(script: Uint8Array, controlBlock: Uint8Array, sigLength: number): number {
  let ops: unknown[] = [];
  try {
    ops = Script.decode(script);
  } catch {
    // an unparsable leaf is still counted with its script and control block
  }
  const keys = ops.filter((op, i) => op instanceof Uint8Array && op.length === 32 && CHECKSIG_OPS.has(String(ops[i + 1]))).length;
  return items([...Array<number>(keys).fill(sigLength), script.length, controlBlock.length]);
}

function taprootSize(tx: Transaction, index: number, ownership: Ownership): InputSize {
  const input = tx.getInput(index);
  const sigLength = (input.sighashType ?? 0) === 0 ? 64 : 65;
  if (ownership.path === "key" || input.tapKeySig) return { scriptSig: 0, witness: items([input.tapKeySig?.length ?? sigLength]) };
  const leaves =
    ownership.path === "script"
      ? ownership.leaves.map((l) => leafWitness(l.script, l.controlBlock, sigLength))
      : (input.tapLeafScript ?? []).map(([cb, s]) => leafWitness(s.subarray(0, -1), TaprootControlBlock.encode(cb), sigLength));
  // Finalizers pick the smallest satisfiable leaf; without leaves assume a key-path spend.
  return { scriptSig: 0, witness: leaves.length > 0 ? Math.min(...leaves) : items([sigLength]) };
}

function inputSize(tx: Transaction, index: number, prevout: Prevout, ownership: Ownership): InputSize {
  const input = tx.getInput(index);
  if (input.finalScriptSig?.length || input.finalScriptWitness?.length) {
    const witness = input.finalScriptWitness ?? [];
    return { scriptSig: input.finalScriptSig?.length ?? 0, witness: witness.length ? items(witness.map((w) => w.length)) : 0 };
  }
  const s = prevout.script;
  if (isP2tr(s)) return taprootSize(tx, index, ownership);
  if (s.length === 22 && s[0] === 0x00 && s[1] === 0x14) return { scriptSig: 0, witness: P2WPKH_WITNESS };
  if (s.length === 25 && s[0] === 0x76) return { scriptSig: P2PKH_SCRIPTSIG, witness: 0 };
  if (s.length === 23 && s[0] === 0xa9) return { scriptSig: P2SH_P2WPKH_SCRIPTSIG, witness: P2WPKH_WITNESS };
  // Other scripts (P2WSH, bare scripts) are counted without their satisfaction: a lower bound.
  return { scriptSig: 0, witness: 0 };
}

/**
 * Estimates the virtual size (BIP-141 vbytes) of the transaction once every input is signed:
 * Taproot key path 64/65-byte signatures, script path from the leaf and control block with one
 * signature per key the leaf checks, typical sizes for P2WPKH/P2PKH/P2SH-P2WPKH, finalised
 * inputs as they are. An estimate, not a promise: the real size may differ by a few vbytes.
 */
export function estimateVsize(tx: Transaction, prevouts: Prevout[], owned: Ownership[]): number {
  const sizes = prevouts.map((prevout, i) => inputSize(tx, i, prevout, owned[i]!));
  // The unsigned serialization already has a 1-byte empty scriptSig per input.
  const base = tx.unsignedTx.length + sizes.reduce((sum, s) => sum + (s.scriptSig ? compactSize(s.scriptSig).length - 1 + s.scriptSig : 0), 0);
  const hasWitness = sizes.some((s) => s.witness > 0);
  // Marker and flag, then one stack per input (an empty one is a single 0x00).
  const witness = hasWitness ? 2 + sizes.reduce((sum, s) => sum + (s.witness || 1), 0) : 0;
  return Math.ceil((base * 4 + witness) / 4);
}
