import { hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { analyzePsbt, transactionSummarySchema } from "../src/psbt/index.js";
import { buildPsbt, collaborativeOutput, foreignP2tr, makeIdentity, p2wpkhScript } from "./psbt-builders.js";

const me = makeIdentity();
const other = makeIdentity();
const tapInternalKey = hexToBytes(me.xOnly);

/** Pays 60k to someone else and 39k back to this identity's address, from one 100k input. */
function payment(overrides: { amount?: bigint; pay?: bigint; sighashType?: number } = {}) {
  return buildPsbt(
    [{ amount: overrides.amount ?? 100_000n, script: me.script, sighashType: overrides.sighashType, fields: { tapInternalKey } }],
    [{ amount: overrides.pay ?? 60_000n, script: foreignP2tr() }, { amount: 39_000n, script: me.script }],
  );
}

describe("analyzePsbt: the identity's own address (key path)", () => {
  it("summarises the payment: one key-path job, change marked mine, spend and fee", () => {
    const analysis = analyzePsbt(payment(), me.publicKey, "mainnet");
    expect(analysis.jobs).toEqual([{ index: 0, path: "key", sighashType: 0, sighash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const { summary } = analysis;
    expect(summary.inputs).toEqual([{ index: 0, amount_sats: 100_000, mine: true, path: "key" }]);
    expect(summary.outputs.map((o) => [o.amount_sats, o.mine])).toEqual([[60_000, false], [39_000, true]]);
    expect(summary.outputs[0]!.address).toMatch(/^bc1p/);
    expect(summary).toMatchObject({ network: "mainnet", fee_sats: 1_000, spend_sats: 61_000 });
    // 137 bytes without witness, 68 of witness (marker, flag, one 64-byte signature): 154 vbytes.
    expect(summary.fee_rate_sat_vb).toBe(6.49);
    expect(transactionSummarySchema.parse(summary)).toEqual(summary);
  });

  it("recognises a BIP-86 output without tap_internal_key", () => {
    const psbt = buildPsbt([{ amount: 10_000n, script: me.script }], [{ amount: 9_000n, script: foreignP2tr() }]);
    expect(analyzePsbt(psbt, me.publicKey, "mainnet").jobs.map((j) => j.path)).toEqual(["key"]);
  });

  it.each([
    ["testnet", /^tb1p/],
    ["signet", /^tb1p/],
    ["regtest", /^bcrt1p/],
  ] as const)("shows addresses for %s", (network, prefix) => {
    const { summary } = analyzePsbt(payment(), me.publicKey, network);
    expect(summary.network).toBe(network);
    expect(summary.outputs.every((o) => prefix.test(o.address!))).toBe(true);
  });

  it("shows an OP_RETURN output as its script, with no address", () => {
    const psbt = buildPsbt([{ amount: 10_000n, script: me.script }], [{ amount: 0n, script: Uint8Array.of(0x6a, 0x02, 0xca, 0xfe) }, { amount: 9_000n, script: me.script }]);
    expect(analyzePsbt(psbt, me.publicKey, "mainnet").summary.outputs[0]).toEqual({ index: 0, address: null, script: "6a02cafe", amount_sats: 0, mine: false });
  });
});

describe("analyzePsbt: an Ark-style 2-of-2 leaf (script path)", () => {
  const collab = collaborativeOutput(other.xOnly, me.xOnly);
  const psbt = buildPsbt(
    [{ amount: 50_000n, script: collab.script, fields: { tapLeafScript: collab.tapLeafScript, tapInternalKey: collab.tapInternalKey } }],
    [{ amount: 49_000n, script: foreignP2tr() }],
  );

  it("gives one script-path job for the leaf, to each of its two keys", () => {
    const mine = analyzePsbt(psbt, me.publicKey, "mainnet");
    const theirs = analyzePsbt(psbt, other.publicKey, "mainnet");
    expect(mine.jobs).toHaveLength(1);
    expect(mine.jobs[0]).toMatchObject({ index: 0, path: "script", sighashType: 0, leafHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Same leaf, same sighash; but the bindings differ, since they name different keys.
    expect(theirs.jobs).toEqual(mine.jobs);
    expect(theirs.binding).not.toBe(mine.binding);
    expect(mine.summary.inputs).toEqual([{ index: 0, amount_sats: 50_000, mine: true, path: "script" }]);
    expect(mine.summary.spend_sats).toBe(50_000);
  });

  it("gives no job to a key outside the leaf", () => {
    expect(() => analyzePsbt(psbt, makeIdentity().publicKey, "mainnet")).toThrow(expect.objectContaining({ reason: "no_inputs_for_key" }));
  });
});

describe("analyzePsbt: a mixed PSBT", () => {
  it("leaves another key's input and a non-Taproot input alone, and counts only its own in spend", () => {
    const psbt = buildPsbt(
      [
        { amount: 30_000n, script: other.script },
        { amount: 20_000n, script: me.script, fields: { tapInternalKey } },
        { amount: 10_000n, script: p2wpkhScript() },
      ],
      [{ amount: 45_000n, script: foreignP2tr() }, { amount: 14_000n, script: me.script }],
    );
    const { summary, jobs } = analyzePsbt(psbt, me.publicKey, "mainnet");
    expect(jobs.map((j) => [j.index, j.path])).toEqual([[1, "key"]]);
    expect(summary.inputs.map((i) => [i.mine, i.path])).toEqual([[false, null], [true, "key"], [false, null]]);
    expect(summary).toMatchObject({ fee_sats: 1_000, spend_sats: 6_000 });
  });

  it("clamps spend at 0 when others pay this identity more than it puts in", () => {
    const psbt = buildPsbt(
      [{ amount: 80_000n, script: other.script }, { amount: 5_000n, script: me.script }],
      [{ amount: 84_000n, script: me.script }],
    );
    expect(analyzePsbt(psbt, me.publicKey, "mainnet").summary.spend_sats).toBe(0);
  });
});

describe("the binding", () => {
  const base = payment();
  const binding = analyzePsbt(base, me.publicKey, "mainnet").binding;

  it("is the same for the same PSBT, and a 64-hex hash", () => {
    expect(binding).toMatch(/^[0-9a-f]{64}$/);
    expect(analyzePsbt(base, me.publicKey, "mainnet").binding).toBe(binding);
  });

  it.each([
    ["another payee amount", () => analyzePsbt(payment({ pay: 60_001n }), me.publicKey, "mainnet")],
    ["another prevout amount", () => analyzePsbt(payment({ amount: 100_001n }), me.publicKey, "mainnet")],
    ["SIGHASH_ALL instead of DEFAULT", () => analyzePsbt(payment({ sighashType: 1 }), me.publicKey, "mainnet")],
    ["another network", () => analyzePsbt(base, me.publicKey, "testnet")],
  ])("changes with %s", (_, analyse) => {
    expect(analyse().binding).not.toBe(binding);
  });
});
