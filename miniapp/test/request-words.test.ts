import { ClwApiError } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { decisionFailure, outcomeOf, requesterLabel, requestSummary } from "../src/request-words.js";

describe("a request in words", () => {
  it("sums it up for the list, saying plainly when there is no payment", () => {
    expect(requestSummary({ payment: { amount_sats: 42_000, destination: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" } })).toBe("42,000 sats to bc1qw508…v8f3t4");
    expect(requestSummary({ payment: null })).toBe("Sign a digest (no payment details)");
    expect(requesterLabel("API session 1a2b3c4d")).toBe("API session 1a2b3c4d");
    expect(requesterLabel(null)).toMatch(/API client/);
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
  it("tells bad init data from an ended session", () => {
    expect(decisionFailure(new ClwApiError(401, "unauthorized", "the Telegram init data is not valid for this bot"))).toMatchObject({ kind: "refused", title: /confirm it's you/, message: /open it again from the bot/ });
    expect(decisionFailure(new ClwApiError(401, "unauthorized", "invalid or expired session"))).toEqual({ kind: "session" });
  });

  it("reloads when decided elsewhere, and explains policy and ownership refusals", () => {
    expect(decisionFailure(new ClwApiError(409, "bad_request", "already decided"))).toEqual({ kind: "gone" });
    expect(decisionFailure(new ClwApiError(403, "policy_denied", "approving would exceed the daily limit"))).toMatchObject({ title: /policy/, message: /Approving would exceed the daily limit/ });
    expect(decisionFailure(new ClwApiError(403, "forbidden", "x"))).toMatchObject({ title: "Not your request" });
    expect(decisionFailure(new TypeError("Failed to fetch"))).toMatchObject({ kind: "refused", message: /Can't reach/ });
  });
});
