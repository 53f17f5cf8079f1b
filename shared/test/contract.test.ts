import { describe, expect, it } from "vitest";
import { auditQuerySchema, challengeRequestSchema, digestSignRequestSchema, signBatchRequestSchema, signRequestSchema } from "../src/index.js";

describe("the contract's request schemas", () => {
  it("normalise digests and refuse unknown fields", () => {
    const parsed = digestSignRequestSchema.parse({ digest: `0x${"AB".repeat(32)}`, ticket: "t" });
    expect(parsed.digest).toBe("ab".repeat(32));
    expect(signRequestSchema.safeParse({ digest: "ab".repeat(32), ticket: "t", extra: 1 }).success).toBe(false);
  });

  it("bound batches to 1–100 digests", () => {
    const digests = (n: number) => ({ digests: Array.from({ length: n }, () => ({ digest: "ab".repeat(32) })) });
    expect(signBatchRequestSchema.safeParse(digests(0)).success).toBe(false);
    expect(signBatchRequestSchema.safeParse(digests(100)).success).toBe(true);
    expect(signBatchRequestSchema.safeParse(digests(101)).success).toBe(false);
  });

  it("take Telegram user ids as positive integers only", () => {
    for (const id of [1, 2 ** 40, "12", "test_user", "e2e_user_1764633600000", "x".repeat(64)]) {
      expect(challengeRequestSchema.safeParse({ telegram_user_id: id }).success).toBe(true);
    }
    for (const id of [0, -5, 1.5, 2 ** 60, "", "x".repeat(65), "two words", "tab\there", null]) {
      expect(challengeRequestSchema.safeParse({ telegram_user_id: id }).success).toBe(false);
    }
  });

  it("default and bound audit pages", () => {
    expect(auditQuerySchema.parse({})).toEqual({ limit: 50, offset: 0 });
    expect(auditQuerySchema.parse({ limit: "10", offset: "20" })).toEqual({ limit: 10, offset: 20 });
    for (const bad of [{ limit: "0" }, { limit: "101" }, { offset: "-1" }, { limit: "x" }]) {
      expect(auditQuerySchema.safeParse(bad).success).toBe(false);
    }
  });
});
