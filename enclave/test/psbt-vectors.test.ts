import { readFileSync } from "node:fs";
import { addTaprootSignatures, analyzePsbt, finalizePsbt } from "@clw/shared/psbt";
import { Psbt, Transaction } from "bitcoinjs-lib";
import * as ecc from "tiny-secp256k1";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signJobs, taprootTweakedKey } from "../src/psbt-signing.js";
import { mintTicket, newId, startEnclave, type TestEnclave } from "./helpers.js";

const vectors = JSON.parse(readFileSync(new URL("../../shared/test/fixtures/bip341-wallet-test-vectors.json", import.meta.url), "utf8"));
const { given, inputSpending, auxiliary } = vectors.keyPathSpending[0];
type Spend = (typeof inputSpending)[number];
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const compressed = (privateKeyHex: string) => hex(ecc.pointFromScalar(bytes(privateKeyHex), true)!);
const zeroAux = () => new Uint8Array(32);

/**
 * The vector's transaction as a PSBT, built with bitcoinjs-lib: every spent output as
 * witness_utxo, the Taproot inputs' internal key, merkle root and hash type, and the two
 * non-Taproot inputs already finalised (their scriptSig/witness from the signed transaction).
 */
function vectorPsbt(): string {
  const unsigned = Transaction.fromHex(given.rawUnsignedTx);
  const signed = Transaction.fromHex(auxiliary.fullySignedTx);
  const psbt = new Psbt();
  psbt.setVersion(unsigned.version);
  psbt.setLocktime(unsigned.locktime);
  const spends = new Map((inputSpending as Spend[]).map((s) => [s.given.txinIndex, s]));
  unsigned.ins.forEach((input, i) => {
    const utxo = given.utxosSpent[i];
    const spend = spends.get(i);
    const taproot = spend && {
      tapInternalKey: bytes(spend.intermediary.internalPubkey),
      // bip174 will not store a 0; an absent hash type is SIGHASH_DEFAULT all the same (BIP-371).
      ...(spend.given.hashType ? { sighashType: spend.given.hashType } : {}),
      ...(spend.given.merkleRoot ? { tapMerkleRoot: bytes(spend.given.merkleRoot) } : {}),
    };
    const witnessUtxo = { script: bytes(utxo.scriptPubKey), value: BigInt(utxo.amountSats) };
    psbt.addInput({ hash: input.hash, index: input.index, sequence: input.sequence, witnessUtxo, ...taproot });
  });
  for (const output of unsigned.outs) psbt.addOutput({ script: output.script, value: output.value });
  for (const i of [2, 5]) {
    const { script, witness } = signed.ins[i]!;
    psbt.updateInput(i, script.length ? { finalScriptSig: script } : { finalScriptWitness: witnessBytes(witness) });
  }
  return psbt.toBase64();
}

function witnessBytes(stack: Uint8Array[]): Buffer {
  return Buffer.concat([Buffer.of(stack.length), ...stack.flatMap((item) => [Buffer.of(item.length), Buffer.from(item)])]);
}

describe("BIP-341 keyPathSpending vectors, signed by the enclave's signer", () => {
  it.each((inputSpending as Spend[]).map((s) => [s.given.txinIndex, s] as const))("input %i: the tweaked private key", (_, spend) => {
    expect(hex(taprootTweakedKey(bytes(spend.given.internalPrivkey), spend.given.merkleRoot ?? undefined))).toBe(spend.intermediary.tweakedPrivkey);
  });

  it("with zero aux, every signature matches the expected witness and the signed transaction is reproduced", () => {
    let psbt = vectorPsbt();
    for (const spend of inputSpending as Spend[]) {
      const privateKey = bytes(spend.given.internalPrivkey);
      const { jobs } = analyzePsbt(psbt, compressed(spend.given.internalPrivkey), "mainnet", { allowUnsafeSighash: true });
      expect(jobs.map((j) => j.sighash)).toEqual([spend.intermediary.sigHash]);
      const signatures = signJobs(privateKey, jobs, zeroAux);
      expect(signatures.map((s) => s.signature)).toEqual(spend.expected.witness);
      psbt = addTaprootSignatures(psbt, signatures);
    }
    expect(finalizePsbt(psbt).tx_hex).toBe(auxiliary.fullySignedTx);
  });
});

describe("BIP-341 vectors through POST /v1/keys/sign-psbt (zero aux injected)", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave({ auxRand: zeroAux });
  });
  afterEach(() => enclave.close());

  async function importVectorKey(spend: Spend) {
    const identityId = newId();
    const userId = newId();
    const sealed_key = await enclave.sealer.seal(bytes(spend.given.internalPrivkey), { identityId, userId });
    const res = await enclave.post("/v1/keys/import", { identity_id: identityId, user_id: userId, sealed_key });
    expect(res.status).toBe(200);
    return { identityId, userId, publicKey: res.json.public_key as string };
  }

  // Inputs 3 (SIGHASH_ALL) and 4 (SIGHASH_DEFAULT) are the ones the route signs; the others use
  // hash types it refuses.
  it.each([3, 4])("input %i: the route's signature is the vector's, byte for byte", async (index) => {
    const spend = (inputSpending as Spend[]).find((s) => s.given.txinIndex === index)!;
    const k = await importVectorKey(spend);
    const psbt = vectorPsbt();
    const { binding } = analyzePsbt(psbt, k.publicKey, "mainnet");
    const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest: binding, knd: "psbt" });
    const res = await enclave.post("/v1/keys/sign-psbt", { identity_id: k.identityId, psbt, ticket, network: "mainnet" });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.signed_inputs).toEqual([index]);
    expect(hex(Psbt.fromBase64(res.json.psbt).data.inputs[index]!.tapKeySig!)).toBe(spend.expected.witness[0]);
  });

  it("input 0 asks for SIGHASH_SINGLE: refused with 400 invalid_psbt", async () => {
    const k = await importVectorKey((inputSpending as Spend[])[0]!);
    const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest: "00".repeat(32), knd: "psbt" });
    const res = await enclave.post("/v1/keys/sign-psbt", { identity_id: k.identityId, psbt: vectorPsbt(), ticket, network: "mainnet" });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code: "invalid_psbt", error: expect.stringMatching(/input 0 asks for SIGHASH_SINGLE/) });
  });

  it("with a ticket that allows unsafe sighash types (the policy says so), every vector input signs byte for byte", async () => {
    for (const spend of inputSpending as Spend[]) {
      const k = await importVectorKey(spend);
      const psbt = vectorPsbt();
      const { binding } = analyzePsbt(psbt, k.publicKey, "mainnet", { allowUnsafeSighash: true });
      const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest: binding, knd: "psbt", uns: true });
      const res = await enclave.post("/v1/keys/sign-psbt", { identity_id: k.identityId, psbt, ticket, network: "mainnet" });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      const index = spend.given.txinIndex;
      expect(hex(Psbt.fromBase64(res.json.psbt).data.inputs[index]!.tapKeySig!)).toBe(spend.expected.witness[0]);
    }
  });
});
