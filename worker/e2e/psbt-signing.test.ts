/**
 * Sign what you see, through the real stack: PSBTs built and every signature checked with
 * bitcoinjs-lib and libsecp256k1, never with the code under test.
 */
import { type Identity, type SignedPsbt, type SignIntent, type TransactionSummary } from "@clw/shared";
import { describe, expect, it } from "vitest";
import {
  addressOf,
  buildPsbt,
  collaborative,
  keyPathScript,
  prevoutsOf,
  Psbt,
  sighashOf,
  signKeyPathAsOther,
  signLeafAsOther,
  someoneElse,
  splitSignature,
  Transaction,
  verifyFinalTransaction,
  verifySchnorrSig,
  xOnlyOf,
} from "../../enclave/test/psbt-builders.js";
import { rawRequest, signIn, useLocalStack } from "./support.js";

const stack = useLocalStack();

/** A fresh owner with one key, its x-only key P and its BIP-86 output script (OP_1 Q). */
async function ownerWithKey() {
  const { client, session } = await signIn(stack().apiUrl);
  const identity: Identity = await client.createIdentity();
  const p = xOnlyOf(identity.public_key);
  return { client, token: session.token, identity, p, own: keyPathScript(p) };
}

/** Everything about input `index` of a PSBT (base64) as bitcoinjs-lib parses it, for byte comparisons. */
const inputOf = (psbtBase64: string, index: number) => Psbt.fromBase64(psbtBase64).data.inputs[index];

describe("PSBT signing through the API", () => {
  it("key path, typed client: each signature verifies against the tweaked key Q over bitcoinjs-lib's sighash; another key's input is left as it was", async () => {
    const { client, identity, p, own } = await ownerWithKey();
    const payee = someoneElse();
    const other = someoneElse();
    const unsigned = buildPsbt(
      [
        { script: own, value: 70_000n, tapInternalKey: p },
        { script: own, value: 30_000n, sighashType: Transaction.SIGHASH_ALL },
        { script: other.script, value: 40_000n, tapInternalKey: other.xOnly },
      ],
      [{ script: payee.script, value: 100_000n }, { script: own, value: 38_000n }],
    );
    const otherInputBefore = inputOf(unsigned.toBase64(), 2);

    const intent = (await client.psbtIntent(identity.id, unsigned.toBase64())) as SignIntent;
    expect(intent.ticket).toBeTruthy();
    expect(intent.transaction).toMatchObject<Partial<TransactionSummary>>({
      network: "mainnet",
      txid: Transaction.fromBuffer(unsigned.data.getTransaction()).getId(),
      fee_sats: 2_000,
      spend_sats: 62_000,
      inputs: [
        { index: 0, amount_sats: 70_000, mine: true, path: "key" },
        { index: 1, amount_sats: 30_000, mine: true, path: "key" },
        { index: 2, amount_sats: 40_000, mine: false, path: null },
      ],
      outputs: [
        { index: 0, address: addressOf(payee.script), amount_sats: 100_000, mine: false },
        { index: 1, address: addressOf(own), amount_sats: 38_000, mine: true },
      ],
    });

    const signed: SignedPsbt = await client.signPsbt(identity.id, unsigned.toBase64());
    expect(signed.signed_inputs).toEqual([0, 1]);
    expect(signed.tx_hex ?? null).toBeNull();
    const result = Psbt.fromBase64(signed.psbt);
    const q = own.subarray(2);
    for (const [index, expectedType] of [[0, Transaction.SIGHASH_DEFAULT], [1, Transaction.SIGHASH_ALL]] as const) {
      const { sig, hashType } = splitSignature(result.data.inputs[index]!.tapKeySig!);
      expect(hashType).toBe(expectedType);
      const sighash = sighashOf(unsigned, index, hashType);
      expect(verifySchnorrSig(sighash, q, sig), `input ${index} against Q`).toBe(true);
      expect(verifySchnorrSig(sighash, p, sig), `input ${index} against the untweaked P`).toBe(false);
    }
    expect(result.data.inputs[2]).toEqual(otherInputBefore);
    expect(Transaction.fromBuffer(result.data.getTransaction()).getId()).toBe(intent.transaction!.txid);
  });

  it("script path, raw requests: an Ark-style 2-of-2 leaf is signed with the untweaked key P, the other party's key is left to them", async () => {
    const { token, identity, p } = await ownerWithKey();
    const other = someoneElse();
    const collab = collaborative(other.xOnly, p);
    const unsigned = buildPsbt([{ script: collab.script, value: 50_000n, tapLeafScript: collab.tapLeafScript }], [{ script: someoneElse().script, value: 49_000n }]);
    const path = `/v1/identities/${identity.id}`;

    const intent = await rawRequest(stack().apiUrl, "POST", `${path}/sign-intent`, { token, body: { psbt: unsigned.toBase64() } });
    expect(intent.status, JSON.stringify(intent.json)).toBe(201);
    const { ticket, transaction } = intent.json as SignIntent;
    expect(transaction).toMatchObject({ inputs: [{ index: 0, mine: true, path: "script" }], fee_sats: 1_000, spend_sats: 50_000 });

    const answer = await rawRequest(stack().apiUrl, "POST", `${path}/sign`, { token, body: { psbt: unsigned.toBase64(), ticket, finalize: true } });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const signed = answer.json as SignedPsbt;
    expect(signed.signed_inputs).toEqual([0]);
    expect(signed.tx_hex).toBeNull(); // the other party has not signed: nothing to broadcast yet
    const sigs = Psbt.fromBase64(signed.psbt).data.inputs[0]!.tapScriptSig!;
    expect(sigs.map((s) => Buffer.from(s.pubkey).toString("hex"))).toEqual([p.toString("hex")]);
    expect(Buffer.from(sigs[0]!.leafHash)).toEqual(collab.leafHash);
    const sighash = sighashOf(unsigned, 0, Transaction.SIGHASH_DEFAULT, collab.leafHash);
    expect(verifySchnorrSig(sighash, p, sigs[0]!.signature)).toBe(true);
    expect(verifySchnorrSig(sighash, keyPathScript(p).subarray(2), sigs[0]!.signature)).toBe(false);
    expect(verifySchnorrSig(sighash, other.xOnly, sigs[0]!.signature)).toBe(false);

    // The other party adds its signature to the PSBT it got back; bitcoinjs-lib can then finish it.
    const completed = Psbt.fromBase64(signed.psbt);
    signLeafAsOther(completed, 0, other, collab.leafHash);
    completed.finalizeAllInputs();
    expect(verifyFinalTransaction(completed.extractTransaction().toHex(), prevoutsOf(unsigned))).toEqual(["script"]);
  });

  it("finalize: true returns a transaction that bitcoinjs-lib parses and whose every witness verifies (key path, script path and someone else's input)", async () => {
    const { client, identity, p, own } = await ownerWithKey();
    const partner = someoneElse();
    const stranger = someoneElse();
    const collab = collaborative(partner.xOnly, p);
    const payee = someoneElse();
    const unsigned = buildPsbt(
      [
        { script: own, value: 25_000n, tapInternalKey: p },
        { script: collab.script, value: 50_000n, tapLeafScript: collab.tapLeafScript },
        { script: stranger.script, value: 10_000n, tapInternalKey: stranger.xOnly },
      ],
      [{ script: payee.script, value: 60_000n }, { script: own, value: 22_000n }],
    );
    const partnerSig = signLeafAsOther(unsigned, 1, partner, collab.leafHash);
    const strangerSig = signKeyPathAsOther(unsigned, 2, stranger);

    const signed = await client.signPsbt(identity.id, unsigned.toBase64(), { finalize: true });
    expect(signed.signed_inputs).toEqual([0, 1]);
    expect(signed.tx_hex).toMatch(/^[0-9a-f]+$/);
    const tx = Transaction.fromHex(signed.tx_hex!);
    expect(tx.getId()).toBe(Transaction.fromBuffer(unsigned.data.getTransaction()).getId());
    expect(tx.outs.map((o) => [Buffer.from(o.script).toString("hex"), o.value])).toEqual([[payee.script.toString("hex"), 60_000n], [own.toString("hex"), 22_000n]]);
    expect(verifyFinalTransaction(signed.tx_hex!, prevoutsOf(unsigned))).toEqual(["key", "script", "key"]);
    // The other keys' signatures went into the transaction exactly as their owners made them.
    expect(Buffer.from(tx.ins[1]!.witness[1]!)).toEqual(partnerSig);
    expect(Buffer.from(tx.ins[2]!.witness[0]!)).toEqual(strangerSig);
  });
});
