import type { Policy } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { loosenings, resolvePolicyUpdate } from "../src/services/policy-rules.js";

const base: Policy = { require_approval: true, auto_approve_max_sats: 1000, daily_limit_sats: 50_000, allowed_destinations: ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"], max_fee_sats: 2000, raw_digests: "approval", allow_unsafe_sighash: false };
const open: Policy = { ...base, require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, max_fee_sats: null };

describe("what loosens a policy (and so needs the owner present)", () => {
  it("sees every way of loosening", () => {
    const loosened: Partial<Policy>[] = [
      { require_approval: false },
      { auto_approve_max_sats: 5000 },
      { daily_limit_sats: 60_000 },
      { daily_limit_sats: null },
      { max_fee_sats: null },
      { allowed_destinations: null },
      { allowed_destinations: ["3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"] },
      { raw_digests: "allow" },
      { allow_unsafe_sighash: true },
    ];
    for (const patch of loosened) expect(loosenings(base, { ...base, ...patch }), JSON.stringify(patch)).toHaveLength(1);
  });

  it("never counts tightening or keeping as loosening", () => {
    const tightened: Partial<Policy>[] = [{}, { daily_limit_sats: 10 }, { max_fee_sats: 1 }, { allowed_destinations: [] }, { raw_digests: "deny" }, { auto_approve_max_sats: null }];
    for (const patch of tightened) expect(loosenings(base, { ...base, ...patch }), JSON.stringify(patch)).toEqual([]);
    // Turning approval on tightens, whatever auto-approve amount comes with it.
    expect(loosenings(open, { ...open, require_approval: true, auto_approve_max_sats: 5000 })).toEqual([]);
  });
});

describe("a PUT without the newer fields", () => {
  it("takes the defaults, and a spending rule makes raw digests need approval unless it says allow", () => {
    const four = { require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null };
    expect(resolvePolicyUpdate(four)).toEqual({ ...four, max_fee_sats: null, raw_digests: "allow", allow_unsafe_sighash: false });
    expect(resolvePolicyUpdate({ ...four, daily_limit_sats: 100 }).raw_digests).toBe("approval");
    expect(resolvePolicyUpdate({ ...four, max_fee_sats: 100 }).raw_digests).toBe("approval");
    expect(resolvePolicyUpdate({ ...four, allowed_destinations: [] }).raw_digests).toBe("approval");
    expect(resolvePolicyUpdate({ ...four, daily_limit_sats: 100, raw_digests: "allow" }).raw_digests).toBe("allow");
  });
});
