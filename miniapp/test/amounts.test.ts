import { describe, expect, it } from "vitest";
import { formatBtc, formatCountdown, formatSats } from "../src/amounts.js";

describe("amounts", () => {
  it("are shown in sats with separators, singular for one", () => {
    expect(formatSats(42_000)).toBe("42,000 sats");
    expect(formatSats(1)).toBe("1 sat");
    expect(formatSats(2_100_000_000_000_000)).toBe("2,100,000,000,000,000 sats");
  });

  it("are shown in BTC exactly, without float noise or trailing zeros", () => {
    expect(formatBtc(42_000)).toBe("0.00042 BTC");
    expect(formatBtc(1)).toBe("0.00000001 BTC");
    expect(formatBtc(100_000_000)).toBe("1 BTC");
    expect(formatBtc(123_456_789)).toBe("1.23456789 BTC");
    expect(formatBtc(30_000_000)).toBe("0.3 BTC"); // 0.1 + 0.2 would not be
    expect(formatBtc(2_100_000_000_000_000)).toBe("21,000,000 BTC");
  });
});

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
