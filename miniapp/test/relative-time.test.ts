import { describe, expect, it } from "vitest";
import { describeTime } from "../src/relative-time.js";

describe("when an event happened", () => {
  it("is said relative to now", () => {
    const now = Date.parse("2026-01-01T12:00:00.000Z");
    expect(describeTime("2026-01-01T11:59:50.000Z", now)).toBe("just now");
    expect(describeTime("2026-01-01T11:55:00.000Z", now)).toBe("5 min ago");
    expect(describeTime("2026-01-01T09:00:00.000Z", now)).toBe("3 h ago");
    expect(describeTime("2025-12-31T06:00:00.000Z", now)).toBe("yesterday");
  });
});
