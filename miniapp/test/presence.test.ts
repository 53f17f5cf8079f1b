import { ClwApiError } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { isInitDataRefusal, proofRefusalWords, withPresence } from "../src/presence.js";

const used = new ClwApiError(401, "init_data_used", "this Telegram proof was already used; reopen the Mini App from Telegram");
const stale = new ClwApiError(401, "init_data_expired", "the Telegram init data has expired; reopen the Mini App");
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
    expect(proofRefusalWords(new ClwApiError(401, "init_data_invalid", "the Telegram init data is not valid for this bot"))).toMatch(/signature/);
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
