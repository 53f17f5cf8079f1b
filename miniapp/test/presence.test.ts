import { ClwApiError, type Policy } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { isInitDataRefusal, mightLoosen, proofRefusalWords, withPresence } from "../src/presence.js";

const used = new ClwApiError(401, "init_data_used", "this Telegram proof was already used; reopen the Mini App from Telegram");
const stale = new ClwApiError(401, "unauthorized", "the Telegram init data has expired; reopen the Mini App");
const notMiniApp = new ClwApiError(403, "approval_required", "this needs the owner in Telegram");
const sessionEnded = new ClwApiError(401, "unauthorized", "invalid or expired session");

describe("a refused Telegram proof", () => {
  it("is told apart from an ended session", () => {
    expect([used, stale, notMiniApp].map(isInitDataRefusal)).toEqual([true, true, true]);
    expect(isInitDataRefusal(sessionEnded)).toBe(false);
    expect(isInitDataRefusal(new ClwApiError(403, "forbidden", "only the owner's Telegram account can do this"))).toBe(false);
    expect(isInitDataRefusal(new TypeError("Failed to fetch"))).toBe(false);
  });

  it("is explained in words", () => {
    expect(proofRefusalWords(used)).toMatch(/already proven/);
    expect(proofRefusalWords(stale)).toMatch(/few minutes/);
    expect(proofRefusalWords(notMiniApp)).toMatch(/not opened from the Mini App/);
    expect(proofRefusalWords(new ClwApiError(401, "unauthorized", "the Telegram init data is not valid for this bot"))).toMatch(/signature/);
  });
});

describe("a change sent with the owner's proof", () => {
  it("sends the init data once and keeps the answer", async () => {
    const sent: (string | undefined)[] = [];
    const result = await withPresence(async (initData) => (sent.push(initData), "done"), "proof");
    expect(result).toEqual({ value: "done", proofRefused: null });
    expect(sent).toEqual(["proof"]);
  });

  it("is asked for again without the proof when the proof is refused", async () => {
    const sent: (string | undefined)[] = [];
    const result = await withPresence(async (initData) => {
      sent.push(initData);
      if (initData) throw used;
      return "pending";
    }, "proof");
    expect(result).toEqual({ value: "pending", proofRefused: used });
    expect(sent).toEqual(["proof", undefined]);
  });

  it("goes without proof when there is none, and passes other errors on untouched", async () => {
    const sent: (string | undefined)[] = [];
    await withPresence(async (initData) => void sent.push(initData), undefined);
    expect(sent).toEqual([undefined]);
    await expect(withPresence(async () => Promise.reject(sessionEnded), "proof")).rejects.toBe(sessionEnded);
  });
});

const base: Policy = { require_approval: true, auto_approve_max_sats: 1000, daily_limit_sats: 50_000, allowed_destinations: ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"], max_fee_sats: 2000, raw_digests: "approval", allow_unsafe_sighash: false };

describe("whether a policy change may loosen", () => {
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
    for (const patch of loosened) expect(mightLoosen(base, { ...base, ...patch }), JSON.stringify(patch)).toBe(true);
  });

  it("does not spend the proof on tightening or on keeping", () => {
    const tightened: Partial<Policy>[] = [{}, { daily_limit_sats: 10 }, { max_fee_sats: 1 }, { allowed_destinations: [] }, { raw_digests: "deny" }, { auto_approve_max_sats: null }];
    for (const patch of tightened) expect(mightLoosen(base, { ...base, ...patch }), JSON.stringify(patch)).toBe(false);
    const open: Policy = { ...base, require_approval: false, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null, max_fee_sats: null };
    // Turning approval on tightens, whatever auto-approve amount comes with it.
    expect(mightLoosen(open, { ...open, require_approval: true, auto_approve_max_sats: 5000 })).toBe(false);
    expect(mightLoosen(open, { ...open, daily_limit_sats: 1000, allowed_destinations: base.allowed_destinations })).toBe(false);
  });
});
