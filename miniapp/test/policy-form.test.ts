import { describe, expect, it } from "vitest";
import { checkDestination, formHasSpendingRule, formToPolicy, parseSatsField, policyToForm, withRawDigestRule, type PolicyForm } from "../src/policy-form.js";

const ALICE = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const BOB = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy";

describe("amount fields", () => {
  it("read empty as none and accept thousands separators", () => {
    expect(parseSatsField("")).toEqual({ ok: true, value: null });
    expect(parseSatsField("  ")).toEqual({ ok: true, value: null });
    expect(parseSatsField("10,000")).toEqual({ ok: true, value: 10_000 });
    expect(parseSatsField("1 000 000")).toEqual({ ok: true, value: 1_000_000 });
    expect(parseSatsField("0")).toEqual({ ok: true, value: 0 });
  });

  it("refuse fractions, negatives, words and absurd amounts", () => {
    for (const bad of ["1.5", "-3", "ten", "1e6", "99999999999999999999"]) expect(parseSatsField(bad).ok, bad).toBe(false);
    expect(parseSatsField("2100000000000001")).toMatchObject({ ok: false });
  });
});

describe("the policy form", () => {
  it("round-trips a policy, with an empty list meaning any destination", () => {
    const policy = { require_approval: true, auto_approve_max_sats: 5000, daily_limit_sats: null, allowed_destinations: [ALICE], max_fee_sats: 2000, raw_digests: "deny" as const, allow_unsafe_sighash: false };
    expect(formToPolicy(policyToForm(policy))).toEqual({ ok: true, policy });
    const open = { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, max_fee_sats: null, raw_digests: "allow" as const, allow_unsafe_sighash: false };
    expect(policyToForm(open).destinations).toEqual([]);
    expect(formToPolicy(policyToForm(open))).toEqual({ ok: true, policy: open });
  });

  it("says what to fix, field by field", () => {
    const result = formToPolicy({ requireApproval: true, autoApproveMax: "lots", dailyLimit: "-1", destinations: ["bc1qnotanaddress"], maxFee: "1.5", rawDigests: "approval", allowUnsafeSighash: false });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["autoApproveMax", "dailyLimit", "destinations", "maxFee"]);
    expect(result.errors.destinations).toMatch(/not a valid Bitcoin address/);
  });
});

describe("adding a destination", () => {
  it("accepts valid addresses of any kind, trimmed", () => {
    expect(checkDestination(`  ${ALICE} `, [])).toEqual({ ok: true, address: ALICE });
    expect(checkDestination(BOB, [ALICE])).toEqual({ ok: true, address: BOB });
  });

  it("refuses empty, malformed (bad checksum) and duplicate addresses, and a full list", () => {
    expect(checkDestination("", [])).toMatchObject({ ok: false, error: /Paste/ });
    expect(checkDestination(ALICE.slice(0, -1) + "5", [])).toMatchObject({ ok: false, error: /not a valid/ });
    expect(checkDestination(ALICE.toUpperCase(), [ALICE])).toMatchObject({ ok: false, error: /already/ });
    expect(checkDestination(BOB, Array.from({ length: 50 }, () => ALICE))).toMatchObject({ ok: false, error: /at most 50/ });
  });
});

describe("raw digests when a limit is added", () => {
  const open: PolicyForm = { requireApproval: false, autoApproveMax: "", dailyLimit: "", destinations: [], maxFee: "", rawDigests: "allow", allowUnsafeSighash: false };

  it("switch to asking the owner, since a limit cannot cap them", () => {
    for (const patch of [{ dailyLimit: "1" }, { maxFee: "500" }, { destinations: [ALICE] }]) {
      expect(formHasSpendingRule({ ...open, ...patch })).toBe(true);
      expect(withRawDigestRule(open, { ...open, ...patch }, false)).toEqual({ form: { ...open, ...patch, rawDigests: "approval" }, switched: true });
    }
  });

  it("stay as the owner chose them, or as they were next to an existing limit", () => {
    expect(withRawDigestRule(open, { ...open, dailyLimit: "1" }, true)).toEqual({ form: { ...open, dailyLimit: "1" }, switched: false });
    const limited = { ...open, dailyLimit: "1000" };
    expect(withRawDigestRule(limited, { ...limited, maxFee: "5" }, false).switched).toBe(false);
    const refused = { ...open, rawDigests: "deny" as const };
    expect(withRawDigestRule(refused, { ...refused, dailyLimit: "1" }, false).form.rawDigests).toBe("deny");
    expect(withRawDigestRule(open, { ...open, requireApproval: true }, false).switched).toBe(false);
  });
});
