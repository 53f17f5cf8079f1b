import { tapTweak, type SigningJob, type TaprootSignature } from "@clw/shared/psbt";
import * as ecc from "tiny-secp256k1";
import { signDigest } from "./keys.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/**
 * BIP-341 `taproot_tweak_seckey`: negates d when its point has an odd y, then adds the TapTweak
 * of its x-only key and `merkleRootHex` (none for BIP-86). The caller owns and wipes the result.
 * @throws Error if the key is invalid or the tweaked key is zero (probability ~2⁻²⁵⁶).
 */
export function taprootTweakedKey(privateKey: Uint8Array, merkleRootHex?: string): Uint8Array {
  const point = ecc.pointFromScalar(privateKey, true);
  if (!point) throw new Error("invalid private key");
  const negated = point[0] === 0x03 ? ecc.privateNegate(privateKey) : undefined;
  try {
    const tweaked = ecc.privateAdd(negated ?? privateKey, tapTweak(hex(point.subarray(1)), merkleRootHex));
    if (!tweaked) throw new Error("the tweaked private key is zero");
    return tweaked;
  } finally {
    negated?.fill(0);
  }
}

/**
 * Signs every job with BIP-340 Schnorr: key-path jobs with the tweaked key (so the signature
 * verifies against the output key Q), script-path jobs with the untweaked key. A signature is
 * 64 bytes for SIGHASH_DEFAULT and 65 (hash type appended) otherwise. Each signature is verified
 * before it is returned, so a faulty computation never leaves the signer. `auxRand` is for
 * tests only (the BIP-341 vectors use zero aux); production omits it and gets fresh randomness.
 * @throws Error if a key is invalid or a signature does not verify.
 */
export function signJobs(privateKey: Uint8Array, jobs: readonly SigningJob[], auxRand?: () => Uint8Array): TaprootSignature[] {
  const tweaked = new Map<string, Uint8Array>();
  const keyFor = (job: SigningJob) => {
    if (job.path === "script") return privateKey;
    const root = job.merkleRoot ?? "";
    if (!tweaked.has(root)) tweaked.set(root, taprootTweakedKey(privateKey, job.merkleRoot));
    return tweaked.get(root)!;
  };
  try {
    return jobs.map((job) => {
      const key = keyFor(job);
      const sighash = Buffer.from(job.sighash, "hex");
      const xOnly = ecc.xOnlyPointFromScalar(key);
      const signature = signDigest(key, sighash, auxRand?.());
      if (!ecc.verifySchnorr(sighash, xOnly, signature)) throw new Error(`the signature for input ${job.index} does not verify`);
      const suffix = job.sighashType === 0 ? "" : job.sighashType.toString(16).padStart(2, "0");
      const signed: TaprootSignature = { index: job.index, path: job.path, xOnlyPublicKey: hex(xOnly), signature: hex(signature) + suffix };
      if (job.leafHash) signed.leafHash = job.leafHash;
      return signed;
    });
  } finally {
    for (const key of tweaked.values()) key.fill(0);
  }
}
