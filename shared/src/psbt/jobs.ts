import type { Transaction } from "@scure/btc-signer";
import { bytesToHex } from "@noble/hashes/utils.js";
import { PsbtError } from "./errors.js";
import type { Ownership } from "./ownership.js";
import { taprootSighash, type SighashContext } from "./sighash.js";

/** One signature the identity's key must make: which input, how, and over which sighash. */
export interface SigningJob {
  index: number;
  path: "key" | "script";
  /** The tapscript leaf (script path only), hex. */
  leafHash?: string;
  /** The script tree's root from tap_merkle_root (key path only; absent for BIP-86 outputs). */
  merkleRoot?: string;
  /** BIP-341 hash type: 0 (DEFAULT) or 1 (ALL) unless unsafe types were allowed. */
  sighashType: number;
  /** The BIP-341 signature hash to sign, hex. */
  sighash: string;
}

const SAFE = new Set([0x00, 0x01]);
// Every hash type BIP-341 defines; anything else makes the signature invalid.
const DEFINED = new Set([0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83]);
const NAMES: Record<number, string> = {
  0x02: "NONE", 0x03: "SINGLE", 0x81: "ALL|ANYONECANPAY", 0x82: "NONE|ANYONECANPAY", 0x83: "SINGLE|ANYONECANPAY",
};

function sighashTypeOf(tx: Transaction, index: number, allowUnsafe: boolean): number {
  const type = tx.getInput(index).sighashType ?? 0;
  if (!DEFINED.has(type)) {
    throw new PsbtError("malformed", `input ${index} asks for sighash type ${type}, which BIP-341 does not define`, index);
  }
  if (!SAFE.has(type) && !allowUnsafe) {
    throw new PsbtError(
      "unsafe_sighash",
      `input ${index} asks for SIGHASH_${NAMES[type]}, which lets inputs or outputs change after signing: only DEFAULT and ALL are signed`,
      index,
    );
  }
  return type;
}

function sighash(ctx: SighashContext, index: number, type: number, leafHash?: string): string {
  try {
    return bytesToHex(taprootSighash(ctx, index, type, leafHash));
  } catch (err) {
    throw new PsbtError("malformed", `input ${index} cannot be signed: ${err instanceof Error ? err.message : String(err)}`, index);
  }
}

function isFinalized(tx: Transaction, index: number): boolean {
  const input = tx.getInput(index);
  return Boolean(input.finalScriptWitness?.length || input.finalScriptSig?.length);
}

/**
 * The signing jobs of every input the identity owns: one key-path job, or one job per owned
 * tapscript leaf, each with the BIP-341 sighash computed here from the PSBT's own data.
 * Inputs that are already finalised get no job.
 * @throws PsbtError `unsafe_sighash` (unless `allowUnsafe`) or `malformed`, naming the input.
 */
export function signingJobs(tx: Transaction, ctx: SighashContext, owned: Ownership[], allowUnsafe: boolean): SigningJob[] {
  const jobs: SigningJob[] = [];
  owned.forEach((ownership, index) => {
    // A finalised input is complete: signing it again would change nothing that is needed.
    if (ownership.path === null || isFinalized(tx, index)) return;
    const sighashType = sighashTypeOf(tx, index, allowUnsafe);
    if (ownership.path === "key") {
      const job: SigningJob = { index, path: "key", sighashType, sighash: sighash(ctx, index, sighashType) };
      if (ownership.merkleRoot) job.merkleRoot = ownership.merkleRoot;
      jobs.push(job);
      return;
    }
    for (const leaf of ownership.leaves) {
      const hash = sighash(ctx, index, sighashType, leaf.leafHash);
      jobs.push({ index, path: "script", leafHash: leaf.leafHash, sighashType, sighash: hash });
    }
  });
  return jobs;
}
