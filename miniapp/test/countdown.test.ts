import { describe, expect, it } from "vitest";
import { formatCountdown } from "../src/countdown.js";

describe("the countdown", () => {
  it("counts minutes and seconds, rounding up so it never shows 0:00 early", () => {
    expect(formatCountdown(600_000)).toBe("10:00");
    expect(formatCountdown(599_001)).toBe("10:00");
    expect(formatCountdown(65_000)).toBe("1:05");
    expect(formatCountdown(999)).toBe("0:01");
  });

  it("shows hours when there are any, and 0:00 once over", () => {
    expect(formatCountdown(3_723_000)).toBe("1:02:03");
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown(-5_000)).toBe("0:00");
  });
});
