import { analyzePsbt } from "@clw/shared/psbt";
import { Psbt } from "bitcoinjs-lib";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateKey, mintTicket, randomHex, startEnclave, type TestEnclave } from "./helpers.js";
import { buildPsbt, keyPathScript, payee, someoneElse, xOnlyOf, type InputSpec } from "./psbt-builders.js";

type Key = Awaited<ReturnType<typeof generateKey>>;

/** A payment from the identity's own address: 60k to a payee, 39k change. */
function payment(k: Key, input: Partial<InputSpec> = {}, outputs = [{ script: payee(), value: 60_000n }]): Psbt {
  const own = keyPathScript(xOnlyOf(k.publicKey));
  return buildPsbt([{ script: own, value: 100_000n, tapInternalKey: xOnlyOf(k.publicKey), ...input }], [...outputs, { script: own, value: 39_000n }]);
}

describe("POST /v1/keys/sign-psbt", () => {
  let enclave: TestEnclave;
  let k: Key;
  beforeEach(async () => {
    enclave = await startEnclave();
    k = await generateKey(enclave);
  });
  afterEach(() => enclave.close());

  const ticketFor = (psbt: string, o: { network?: "mainnet" | "testnet"; knd?: string } = {}) =>
    mintTicket({ sub: k.userId, iid: k.identityId, digest: analyzePsbt(psbt, k.publicKey, o.network ?? "mainnet").binding, knd: o.knd ?? "psbt" });
  const post = (psbt: string, ticket: string, network: string = "mainnet") =>
    enclave.post("/v1/keys/sign-psbt", { identity_id: k.identityId, psbt, ticket, network });

  it("signs the identity's inputs and answers the PSBT with the inputs it signed", async () => {
    const psbt = payment(k).toBase64();
    const res = await post(psbt, await ticketFor(psbt));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ psbt: expect.any(String), signed_inputs: [0] });
    expect(Psbt.fromBase64(res.json.psbt).data.inputs[0]!.tapKeySig).toHaveLength(64);
  });

  it("a ticket for PSBT A does not sign PSBT B, nor A presented for another network; A still signs after", async () => {
    const a = payment(k).toBase64();
    const b = payment(k, {}, [{ script: payee(), value: 60_000n }]).toBase64();
    const ticket = await ticketFor(a);
    const other = await post(b, ticket);
    expect(other.status).toBe(403);
    expect(other.json).toEqual({ code: "ticket_mismatch", error: "ticket does not match the transaction" });
    expect((await post(a, ticket, "testnet")).status).toBe(403);
    expect((await post(a, ticket)).status).toBe(200);
  });

  it("a digest ticket cannot sign a PSBT, even one bound to the PSBT's binding", async () => {
    const psbt = payment(k).toBase64();
    for (const knd of ["", "digest"]) {
      const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest: analyzePsbt(psbt, k.publicKey, "mainnet").binding, ...(knd ? { knd } : {}) });
      const res = await post(psbt, ticket);
      expect(res.status).toBe(403);
      expect(res.json.error).toMatch(/signs a digest, not a PSBT/);
    }
  });

  it("a PSBT ticket cannot sign a raw digest, alone or in a batch", async () => {
    const digest = randomHex(32);
    const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest, knd: "psbt" });
    const single = await enclave.post("/v1/keys/sign", { identity_id: k.identityId, digest, ticket });
    expect(single.status).toBe(403);
    expect(single.json).toEqual({ code: "ticket_mismatch", error: "ticket does not match the request: it signs a PSBT, not a digest" });
    const batch = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, digests: [digest], ticket });
    expect(batch.status).toBe(403);
  });

  it("a ticket signs once: the replay is 409 and signs nothing", async () => {
    const psbt = payment(k).toBase64();
    const ticket = await ticketFor(psbt);
    expect((await post(psbt, ticket)).status).toBe(200);
    const replay = await post(psbt, ticket);
    expect(replay).toEqual({ status: 409, json: { code: "ticket_replayed", error: "ticket already used" } });
  });

  it("checks identity, owner and key like the digest routes", async () => {
    const psbt = payment(k).toBase64();
    const other = await generateKey(enclave);
    const foreign = await mintTicket({ sub: other.userId, iid: other.identityId, digest: analyzePsbt(psbt, k.publicKey, "mainnet").binding, knd: "psbt" });
    expect((await post(psbt, foreign)).json.error).toBe("ticket does not match the identity");
    const wrongOwner = await mintTicket({ sub: other.userId, iid: k.identityId, digest: analyzePsbt(psbt, k.publicKey, "mainnet").binding, knd: "psbt" });
    expect((await post(psbt, wrongOwner)).json.error).toBe("ticket does not match the key owner");
    await enclave.post("/v1/keys/destroy", { identity_id: k.identityId });
    expect((await post(psbt, await ticketFor(psbt))).status).toBe(404);
    const noKey = await enclave.post("/v1/keys/sign-psbt", { identity_id: k.identityId, psbt, ticket: "t", network: "mainnet" }, {});
    expect(noKey.status).toBe(401);
  });

  it.each([
    ["no network", { network: undefined }, /network/],
    ["an unknown network", { network: "litecoin" }, /network/],
    ["a PSBT that is not a string", { psbt: 42 }, /psbt/],
  ])("answers %s with 400 bad_request", async (_, override, message) => {
    const psbt = payment(k).toBase64();
    const res = await enclave.post("/v1/keys/sign-psbt", { identity_id: k.identityId, psbt, ticket: await ticketFor(psbt), network: "mainnet", ...override });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code: "bad_request", error: expect.stringMatching(message) });
  });
});

describe("POST /v1/keys/sign-psbt refuses bad PSBTs with 400 invalid_psbt and signs nothing", () => {
  let enclave: TestEnclave;
  let k: Key;
  beforeEach(async () => {
    enclave = await startEnclave();
    k = await generateKey(enclave);
  });
  afterEach(() => enclave.close());

  const own = () => keyPathScript(xOnlyOf(k.publicKey));
  const cases: Array<[string, () => string, RegExp]> = [
    ["not base64", () => "this is not base64!", /not valid base64/],
    ["wrong magic", () => Buffer.from("psbu\xff-not-a-psbt").toString("base64"), /magic bytes/],
    ["truncated", () => Buffer.from(payment(k).toBase64(), "base64").subarray(0, 70).toString("base64"), /could not be decoded/],
    ["no input for this key", () => buildPsbt([{ script: keyPathScript(someoneElse().xOnly), value: 10_000n }], [{ script: payee(), value: 9_000n }]).toBase64(), /no input of this PSBT is left for this key/],
    ["an input without witness_utxo", () => buildPsbt([{ script: own(), value: 10_000n }, { script: own(), value: 1n, noWitnessUtxo: true }], [{ script: payee(), value: 9_000n }]).toBase64(), /input 1 has no witness_utxo/],
    ["only non-Taproot inputs", () => buildPsbt([{ script: Buffer.concat([Buffer.of(0, 20), randomBytes(20)]), value: 10_000n }], [{ script: payee(), value: 9_000n }]).toBase64(), /no Taproot \(P2TR\) input/],
    ["SIGHASH_SINGLE", () => payment(k, { sighashType: 3 }).toBase64(), /input 0 asks for SIGHASH_SINGLE/],
    ["SIGHASH_NONE|ANYONECANPAY", () => payment(k, { sighashType: 0x82 }).toBase64(), /NONE\|ANYONECANPAY/],
    ["a testnet derivation sent for mainnet", () => testnetDerivation(k), /coin type 1'.*mixed networks/],
    ["more than 500 outputs", () => payment(k, { value: 10_000_000n }, Array.from({ length: 500 }, () => ({ script: payee(), value: 1_000n }))).toBase64(), /at most 500/],
    ["outputs above inputs", () => payment(k, {}, [{ script: payee(), value: 70_000n }]).toBase64(), /spend more than the inputs/],
  ];

  it.each(cases)("%s", async (_, make, message) => {
    const good = payment(k).toBase64();
    const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest: analyzePsbt(good, k.publicKey, "mainnet").binding, knd: "psbt" });
    const res = await enclave.post("/v1/keys/sign-psbt", { identity_id: k.identityId, psbt: make(), ticket, network: "mainnet" });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code: "invalid_psbt", error: expect.stringMatching(message) });
    // Nothing was consumed: the same ticket still signs the PSBT it was made for.
    expect((await enclave.post("/v1/keys/sign-psbt", { identity_id: k.identityId, psbt: good, ticket, network: "mainnet" })).status).toBe(200);
  });
});

/** The identity's own payment, with a BIP-32 derivation on coin type 1' (test networks). */
function testnetDerivation(k: Key): string {
  const psbt = payment(k);
  const derivation = { masterFingerprint: Buffer.of(1, 2, 3, 4), path: "m/86'/1'/0'/0/0", pubkey: xOnlyOf(k.publicKey), leafHashes: [] };
  psbt.updateInput(0, { tapBip32Derivation: [derivation] });
  return psbt.toBase64();
}
