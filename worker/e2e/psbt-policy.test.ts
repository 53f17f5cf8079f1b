/**
 * The policy applies to what a PSBT really does, and a ticket signs only what it was issued for,
 * through the real stack: the lying agent, allowlist / daily limit / fee cap, a ticket for one
 * transaction presented with another (to the API and to the signer itself), unsafe sighash types,
 * and the daily limit under concurrency.
 */
import { isPendingIntent, type ClwClient, type PolicyUpdate, type SignIntent } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { addressOf, buildPsbt, collaborative, keyPathScript, Psbt, sighashOf, someoneElse, splitSignature, Transaction, verifySchnorrSig, xOnlyOf } from "../../enclave/test/psbt-builders.js";
import { callSigner, expectApiError, rawRequest, signIn, useLocalStack } from "./support.js";

// Limits raised so that only the policy and the tickets refuse anything here.
const stack = useLocalStack({ vars: { RATE_LIMIT_PER_USER: "100000", RATE_LIMIT_PER_IDENTITY_SIGN: "100000" } });

const OPEN: PolicyUpdate = { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null };

/** A fresh owner with a key under `policy` (test mode: every change applies at once). */
async function ownerWithKey(policy: Partial<PolicyUpdate> = {}) {
  const { client, session } = await signIn(stack().apiUrl);
  const identity = await client.createIdentity();
  await client.setPolicy(identity.id, { ...OPEN, ...policy });
  const p = xOnlyOf(identity.public_key);
  return { client, session, identity, p, own: keyPathScript(p) };
}

/** A PSBT spending one of the key's BIP-86 outputs: `amount` to `to`, `fee`, the rest back as change. */
function payment(own: Buffer, to: Buffer, amount: number, fee: number, change = 5_000) {
  return buildPsbt([{ script: own, value: BigInt(amount + fee + change) }], [{ script: to, value: BigInt(amount) }, { script: own, value: BigInt(change) }]);
}

/** Rows these identities have in D1, per identity: requests and audit events (one query). */
async function recorded(identityIds: string[]) {
  const count = (table: string, id: string) => `(SELECT count(*) FROM ${table} WHERE identity_id = '${id}')`;
  const [row] = await stack().sql(`SELECT ${identityIds.map((id, i) => `${count("sign_intents", id)} AS intents_${i}, ${count("audit_events", id)} AS events_${i}`).join(", ")}`);
  return row;
}

const actions = async (client: ClwClient) => (await client.audit({ limit: 100 })).items.map((e) => e.action);

describe("the policy sees the transaction, not the agent's story", () => {
  it("the lying agent: a declared 1-sat payment beside a digest that is really a large spend's sighash waits for the owner", async () => {
    const { client, identity, p } = await ownerWithKey({ require_approval: true, auto_approve_max_sats: 1000 });
    // The digest a script-path signature for a 2-of-2 output worth 1,000,000 sats would sign.
    const partner = someoneElse();
    const collab = collaborative(partner.xOnly, p);
    const thief = someoneElse();
    const big = buildPsbt([{ script: collab.script, value: 1_000_000n, tapLeafScript: collab.tapLeafScript }], [{ script: thief.script, value: 999_000n }]);
    const digest = sighashOf(big, 0, Transaction.SIGHASH_DEFAULT, collab.leafHash).toString("hex");

    const lie = await client.signIntent(identity.id, digest, { amount_sats: 1, destination: addressOf(thief.script), memo: "coffee" });
    expect(isPendingIntent(lie), JSON.stringify(lie)).toBe(true);
    expect(lie).not.toHaveProperty("ticket");
    // The same spend as a PSBT is shown for what it is, and waits too.
    const honest = await client.psbtIntent(identity.id, big.toBase64());
    expect(honest).toMatchObject({ status: "pending_approval", transaction: { spend_sats: 1_000_000, outputs: [{ address: addressOf(thief.script), amount_sats: 999_000 }] } });
    // While a PSBT that really spends under the auto-approve amount gets its ticket at once.
    const small = payment(keyPathScript(p), someoneElse().script, 400, 300);
    expect(await client.psbtIntent(identity.id, small.toBase64())).toMatchObject({ ticket: expect.any(String), transaction: { spend_sats: 700 } });

    const pending = await client.listSignIntents("pending_approval");
    expect(pending.map((i) => i.id).sort()).toEqual([lie.id, (honest as { id: string }).id].sort());
    expect(await actions(client)).not.toContain("identity.sign");
  });

  it("a PSBT breaking the allowlist, the daily limit or the fee cap is refused with the reason, and nothing is recorded", async () => {
    const friend = someoneElse();
    const { client, identity, own } = await ownerWithKey({ allowed_destinations: [addressOf(friend.script)], daily_limit_sats: 50_000, max_fee_sats: 2_000 });
    // With approval on, the daily limit refuses before the request could wait for the owner.
    const waiting = await ownerWithKey({ require_approval: true, daily_limit_sats: 10_000 });
    const before = await recorded([identity.id, waiting.identity.id]);
    const auditBefore = await client.audit({ limit: 100 });

    const refusals: Array<[string, Psbt, RegExp]> = [
      ["allowlist", payment(own, someoneElse().script, 1_000, 500), /output 0 pays bc1p[0-9a-z]+, which is not on this identity's allowlist/],
      ["daily limit", payment(own, friend.script, 60_000, 500), /daily limit/],
      ["fee cap", payment(own, friend.script, 1_000, 5_000), /the fee of 5000 sats is above this identity's fee cap of 2000 sats/],
    ];
    for (const [rule, psbt, reason] of refusals) {
      const error = await expectApiError(client.psbtIntent(identity.id, psbt.toBase64()), 403, "policy_denied");
      expect(error.message, rule).toMatch(reason);
    }
    const overLimit = await expectApiError(waiting.client.psbtIntent(waiting.identity.id, payment(waiting.own, someoneElse().script, 20_000, 500).toBase64()), 403, "policy_denied");
    expect(overLimit.message).toMatch(/daily limit \(10000 sats left of 10000/);
    expect(await recorded([identity.id, waiting.identity.id])).toEqual(before);
    expect(await client.audit({ limit: 100 })).toEqual(auditBefore);
    expect(await client.listSignIntents()).toEqual([]);
    expect(await waiting.client.listSignIntents()).toEqual([]);

    // What the policy allows still passes: change back to the key needs no place on the allowlist.
    const fits = await client.signPsbt(identity.id, payment(own, friend.script, 40_000, 1_000).toBase64());
    expect(fits.signed_inputs).toEqual([0]);
  });
});

describe("a ticket signs only the transaction it was issued for", () => {
  it("the API refuses a ticket for PSBT A with PSBT B without spending it, and so does the signer when asked directly", async () => {
    const { client, session, identity, own } = await ownerWithKey();
    const payee = someoneElse();
    const a = payment(own, payee.script, 10_000, 500);
    // B: the same coin, but one sat more to the payee (one sat less change).
    const b = buildPsbt([{ script: own, value: 15_500n, outpoint: a.txInputs[0]! }], [{ script: payee.script, value: 10_001n }, { script: own, value: 4_999n }]);
    const intentA = (await client.psbtIntent(identity.id, a.toBase64())) as SignIntent;

    const path = `/v1/identities/${identity.id}/sign`;
    const viaApi = await rawRequest(stack().apiUrl, "POST", path, { token: session.token, body: { psbt: b.toBase64(), ticket: intentA.ticket } });
    expect([viaApi.status, (viaApi.json as { code: string }).code]).toEqual([403, "ticket_mismatch"]);
    const direct = await callSigner(stack(), "/v1/keys/sign-psbt", { identity_id: identity.id, psbt: b.toBase64(), ticket: intentA.ticket, network: "mainnet" });
    expect([direct.status, direct.json.code]).toEqual([403, "ticket_mismatch"]);
    expect(await actions(client)).not.toContain("identity.sign");

    // Neither refusal spent it: the ticket still signs A, once.
    const signed = await rawRequest(stack().apiUrl, "POST", path, { token: session.token, body: { psbt: a.toBase64(), ticket: intentA.ticket } });
    expect(signed.status, JSON.stringify(signed.json)).toBe(200);
    const replay = await rawRequest(stack().apiUrl, "POST", path, { token: session.token, body: { psbt: a.toBase64(), ticket: intentA.ticket } });
    expect([replay.status, (replay.json as { code: string }).code]).toEqual([409, "ticket_replayed"]);
  });

  it("SIGHASH_SINGLE is refused (400) unless the policy allows unsafe sighash types; then it is signed with that type", async () => {
    const { client, identity, own } = await ownerWithKey();
    const psbt = buildPsbt([{ script: own, value: 20_000n, sighashType: Transaction.SIGHASH_SINGLE }], [{ script: someoneElse().script, value: 19_000n }]);
    const refused = await expectApiError(client.psbtIntent(identity.id, psbt.toBase64()), 400, "invalid_psbt");
    expect(refused.message).toMatch(/input 0 asks for SIGHASH_SINGLE/);
    expect(await client.listSignIntents()).toEqual([]);

    await client.setPolicy(identity.id, { ...OPEN, allow_unsafe_sighash: true });
    const signed = await client.signPsbt(identity.id, psbt.toBase64());
    const { sig, hashType } = splitSignature(Psbt.fromBase64(signed.psbt).data.inputs[0]!.tapKeySig!);
    expect(hashType).toBe(Transaction.SIGHASH_SINGLE);
    expect(verifySchnorrSig(sighashOf(psbt, 0, Transaction.SIGHASH_SINGLE), own.subarray(2), sig)).toBe(true);
  });
});

describe("the daily limit under concurrency", () => {
  it("two PSBTs that each fit but not both: exactly one ticket, every time", async () => {
    for (let round = 0; round < 5; round++) {
      const { client, identity, own } = await ownerWithKey({ daily_limit_sats: 30_000 });
      const psbts = [payment(own, someoneElse().script, 19_000, 1_000), payment(own, someoneElse().script, 19_000, 1_000)];
      const answers = await Promise.allSettled(psbts.map((psbt) => client.psbtIntent(identity.id, psbt.toBase64())));
      const tickets = answers.flatMap((a) => (a.status === "fulfilled" && "ticket" in a.value ? [a.value] : []));
      const refused = answers.flatMap((a) => (a.status === "rejected" ? [a.reason as { status: number; code: string }] : []));
      expect(tickets, `round ${round}`).toHaveLength(1);
      expect(refused, `round ${round}`).toMatchObject([{ status: 403, code: "policy_denied" }]);
      expect(tickets[0]!.transaction!.spend_sats).toBe(20_000);
    }
  });
});
