import { ClwApiError, type TransactionSummary } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { decisionFailure, formatFeeRate, outcomeOf, requesterLabel, requestNoun, requestSummary } from "../src/request-words.js";

const ALICE = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const tx: TransactionSummary = {
  network: "mainnet",
  txid: "ab".repeat(32),
  inputs: [{ index: 0, amount_sats: 100_000, mine: true, path: "key" }],
  outputs: [
    { index: 0, address: ALICE, amount_sats: 42_000, mine: false },
    { index: 1, address: "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr", amount_sats: 57_000, mine: true },
  ],
  fee_sats: 1_000,
  fee_rate_sat_vb: 6.993,
  spend_sats: 43_000,
};

describe("a request in words", () => {
  it("sums up a transaction by what leaves the key, and a declared payment as a claim", () => {
    expect(requestSummary({ transaction: tx, payment: null })).toBe("Transaction spending 43,000 sats");
    expect(requestSummary({ transaction: null, payment: { amount_sats: 42_000, destination: ALICE } })).toBe("42,000 sats to bc1qw508…v8f3t4 (declared)");
    expect(requestSummary({ transaction: null, payment: null })).toBe("Raw digest (content can't be checked)");
  });

  it("names it on the outcome screen the same way", () => {
    expect(requestNoun({ transaction: tx, payment: null })).toBe("the transaction spending 43,000 sats");
    expect(requestNoun({ transaction: null, payment: { amount_sats: 5, destination: ALICE } })).toBe("the raw digest declared as a payment of 5 sats");
    expect(requestNoun({ transaction: null, payment: null })).toBe("the raw digest");
    expect(requestNoun(null)).toBe("this request");
  });

  it("says who asked, and rounds the estimated fee rate", () => {
    expect(requesterLabel("API session 1a2b3c4d")).toBe("API session 1a2b3c4d");
    expect(requesterLabel(null)).toMatch(/API client/);
    expect(formatFeeRate(6.993)).toBe("≈ 7 sat/vB");
    expect(formatFeeRate(1.04)).toBe("≈ 1 sat/vB");
    expect(formatFeeRate(2.46)).toBe("≈ 2.5 sat/vB");
    expect(formatFeeRate(153.4)).toBe("≈ 153 sat/vB");
  });

  it("maps each status to its result screen", () => {
    expect(outcomeOf("pending_approval")).toBeNull();
    expect(outcomeOf("approved")).toBe("approved");
    expect(outcomeOf("used")).toBe("approved");
    expect(outcomeOf("denied")).toBe("denied");
    expect(outcomeOf("expired")).toBe("expired");
  });
});

describe("a refused decision", () => {
  it("sends the owner to the chat when Telegram's proof does not count, and to sign-in when the session ended", () => {
    expect(decisionFailure(new ClwApiError(401, "init_data_invalid", "the Telegram init data is not valid for this bot"))).toMatchObject({ kind: "chat", title: /confirm it's you/, message: /buttons in the chat/ });
    expect(decisionFailure(new ClwApiError(401, "init_data_used", "this Telegram proof was already used; reopen the Mini App from Telegram"))).toMatchObject({ kind: "chat" });
    expect(decisionFailure(new ClwApiError(403, "approval_required", "this Mini App was opened for another request"))).toMatchObject({ kind: "chat", title: /can't decide/ });
    expect(decisionFailure(new ClwApiError(401, "unauthorized", "invalid or expired session"))).toEqual({ kind: "session" });
  });

  it("reloads when decided elsewhere, and explains policy and ownership refusals", () => {
    expect(decisionFailure(new ClwApiError(409, "intent_decided", "already decided"))).toEqual({ kind: "gone" });
    expect(decisionFailure(new ClwApiError(403, "policy_denied", "approving would exceed the daily limit"))).toMatchObject({ title: /policy/, message: /Approving would exceed the daily limit/ });
    expect(decisionFailure(new ClwApiError(403, "forbidden", "x"))).toMatchObject({ title: "Not your request" });
    expect(decisionFailure(new TypeError("Failed to fetch"))).toMatchObject({ kind: "refused", message: /Can't reach/ });
  });
});
