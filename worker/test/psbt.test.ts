import { env } from "cloudflare:test";
import { base64, hex } from "@scure/base";
import { Transaction } from "@scure/btc-signer";
import { taprootOutputKey, type Identity } from "@clw/shared";
import { MAX_PSBT_INPUTS } from "@clw/shared/psbt";
import { describe, expect, it } from "vitest";
import { call, createIdentity, signIn } from "./helpers.js";

const STRANGER = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";

/** A PSBT spending the identity's own BIP-86 output: `pay` to a stranger, the rest but 1,000 sats back as change. */
function spend(identity: Identity, pay = 30_000n, inputs = 1): string {
  const script = hex.decode(`5120${taprootOutputKey(identity.public_key.slice(2))}`);
  const tx = new Transaction();
  for (let i = 0; i < inputs; i++) tx.addInput({ txid: crypto.getRandomValues(new Uint8Array(32)), index: 0, witnessUtxo: { amount: 100_000n, script } });
  tx.addOutputAddress(STRANGER, pay);
  tx.addOutput({ script, amount: BigInt(inputs) * 100_000n - pay - 1_000n });
  return base64.encode(tx.toPSBT(0));
}

describe("PSBTs through the Worker", () => {
  it("sign-intent answers the decoded transaction; sign adds this key's signature and finalises", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const psbt = spend(identity);
    const intent = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { psbt } });
    expect(intent.status).toBe(201);
    expect(intent.body.transaction).toMatchObject({ network: "mainnet", fee_sats: 1_000, spend_sats: 31_000, inputs: [{ index: 0, amount_sats: 100_000, mine: true, path: "key" }] });
    expect(intent.body.transaction.outputs).toEqual([
      { index: 0, address: STRANGER, amount_sats: 30_000, mine: false },
      { index: 1, address: identity.address, amount_sats: 69_000, mine: true },
    ]);
    const signed = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { psbt, ticket: intent.body.ticket, finalize: true } });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.signed_inputs).toEqual([0]);
    expect(signed.body.tx_hex).toMatch(/^02000000/);
    const events = (await call("GET", "/v1/audit", { token })).body.items.map((e: { action: string }) => e.action);
    expect(events.slice(0, 3)).toEqual(["identity.sign", "intent.approve", "intent.create"]);
  });

  it("a ticket for PSBT A does not sign PSBT B, and is not spent by trying", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const [a, b] = [spend(identity), spend(identity, 40_000n)];
    const intent = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { psbt: a } });
    const other = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { psbt: b, ticket: intent.body.ticket } });
    expect([other.status, other.body.code]).toEqual([403, "ticket_mismatch"]);
    const asDigest = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest: "ab".repeat(32), ticket: intent.body.ticket } });
    expect(asDigest.status).toBe(403);
    const used = await env.DB.prepare("SELECT count(*) AS n FROM ticket_uses WHERE nonce = ?").bind(intent.body.nonce).first<{ n: number }>();
    expect(used?.n).toBe(0);
    expect((await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { psbt: a, ticket: intent.body.ticket } })).status).toBe(200);
  });

  it("the policy reads the real outputs: an allowlist, a fee cap and the auto-approve amount on the spend", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const put = (policy: Record<string, unknown>) => call("PUT", `/v1/identities/${identity.id}/policy`, { token, body: { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, ...policy } });
    await put({ allowed_destinations: [identity.address] });
    const off = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { psbt: spend(identity) } });
    expect([off.status, off.body.code]).toEqual([403, "policy_denied"]);
    expect(off.body.error).toContain(`output 0 pays ${STRANGER}`);
    await put({ max_fee_sats: 500 });
    expect((await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { psbt: spend(identity) } })).body.error).toContain("fee cap");
    await put({ require_approval: true, auto_approve_max_sats: 31_000 });
    expect((await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { psbt: spend(identity) } })).status).toBe(201);
    expect((await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { psbt: spend(identity, 30_001n) } })).status).toBe(202);
  });

  it("a PSBT with the most inputs allowed (500) signs in one call, inside the body limit", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const psbt = spend(identity, 30_000n, MAX_PSBT_INPUTS);
    const intent = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { psbt } });
    expect(intent.status).toBe(201);
    const signed = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { psbt, ticket: intent.body.ticket } });
    expect(signed.body.signed_inputs).toHaveLength(MAX_PSBT_INPUTS);
    const tx = Transaction.fromPSBT(base64.decode(signed.body.psbt));
    expect(Array.from({ length: tx.inputsLength }, (_, i) => tx.getInput(i).tapKeySig?.length)).toEqual(Array(MAX_PSBT_INPUTS).fill(64));
  });
});
