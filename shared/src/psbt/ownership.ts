import { schnorr } from "@noble/curves/secp256k1.js";
import { equalBytes } from "@noble/curves/utils.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { Script, type Transaction } from "@scure/btc-signer";
import { TaprootControlBlock } from "@scure/btc-signer/psbt.js";
import { PsbtError } from "./errors.js";
import { isP2tr, type Prevout } from "./prevouts.js";
import { TAPSCRIPT_LEAF_VERSION, tapLeafHash, tapOutputKey } from "./taproot.js";

/** A tapscript leaf of an input that checks this identity's key. */
export interface OwnedLeaf {
  leafHash: string;
  script: Uint8Array;
  controlBlock: Uint8Array;
}

/** How (and whether) an identity's key spends one input. */
export type Ownership =
  | { path: "key"; merkleRoot?: string }
  | { path: "script"; leaves: OwnedLeaf[] }
  | { path: null };

/** The data pushes of a script; an unparsable script has none this signer could sign for. */
export function scriptPushes(script: Uint8Array): Uint8Array[] {
  try {
    return Script.decode(script).filter((op): op is Uint8Array => op instanceof Uint8Array);
  } catch {
    return [];
  }
}

type ControlBlock = ReturnType<typeof TaprootControlBlock.decode>;

/** The merkle root a control block proves for a leaf (BIP-341 TapBranch, siblings sorted). */
function merkleRootOf(leafHash: string, cb: ControlBlock): string {
  let node = hexToBytes(leafHash);
  for (const sibling of cb.merklePath) {
    const [a, b] = bytesToHex(sibling) < bytesToHex(node) ? [sibling, node] : [node, sibling];
    node = schnorr.utils.taggedHash("TapBranch", a, b);
  }
  return bytesToHex(node);
}

/** True when the control block proves the leaf under the output key `program` (key and parity). */
function commits(program: string, cb: ControlBlock, leafHash: string): boolean {
  try {
    const committed = tapOutputKey(bytesToHex(cb.internalKey), merkleRootOf(leafHash, cb));
    return committed.key === program && committed.parity === (cb.version & 1);
  } catch {
    return false; // an internal key that is not on the curve commits to nothing
  }
}

/** Decides whose inputs are whose for one identity; output keys are computed once per root. */
export function createOwnership(xOnlyHex: string) {
  const xOnly = hexToBytes(xOnlyHex);
  const outputKeys = new Map<string, string>();
  const outputKey = (root?: string) => {
    if (!outputKeys.has(root ?? "")) outputKeys.set(root ?? "", tapOutputKey(xOnlyHex, root).key);
    return outputKeys.get(root ?? "")!;
  };

  function ownedLeaves(tx: Transaction, index: number, program: string): OwnedLeaf[] {
    const leaves: OwnedLeaf[] = [];
    for (const [cb, scriptWithVersion] of tx.getInput(index).tapLeafScript ?? []) {
      if (scriptWithVersion[scriptWithVersion.length - 1] !== TAPSCRIPT_LEAF_VERSION) continue;
      const script = scriptWithVersion.subarray(0, -1);
      if (!scriptPushes(script).some((push) => equalBytes(push, xOnly))) continue;
      const leafHash = tapLeafHash(script);
      if (!commits(program, cb, leafHash)) {
        throw new PsbtError("malformed", `input ${index} lists a tapscript leaf with this key that its output does not commit to`, index);
      }
      leaves.push({ leafHash, script, controlBlock: TaprootControlBlock.encode(cb) });
    }
    return leaves;
  }

  /**
   * How this identity spends input `index`:
   * - key path when the spent output is P2TR with output key tweak(P, tap_merkle_root) — BIP-86's
   *   key-only tweak when the PSBT gives no merkle root;
   * - otherwise script path when tapscript leaves (version 0xc0) push P, one entry per leaf;
   * - otherwise not this identity's input.
   * @throws PsbtError `malformed` when the input's Taproot fields contradict its output for this key.
   */
  return function inputOwnership(tx: Transaction, index: number, prevout: Prevout): Ownership {
    if (!isP2tr(prevout.script)) return { path: null };
    const input = tx.getInput(index);
    const program = bytesToHex(prevout.script.subarray(2));
    const merkleRoot = input.tapMerkleRoot ? bytesToHex(input.tapMerkleRoot) : undefined;
    if (outputKey(merkleRoot) === program) {
      if (input.tapInternalKey && !equalBytes(input.tapInternalKey, xOnly)) {
        throw new PsbtError("malformed", `input ${index}'s tap_internal_key does not match its output, which pays this key`, index);
      }
      return merkleRoot ? { path: "key", merkleRoot } : { path: "key" };
    }
    const leaves = ownedLeaves(tx, index, program);
    return leaves.length > 0 ? { path: "script", leaves } : { path: null };
  };
}
