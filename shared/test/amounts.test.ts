import { describe, expect, it } from "vitest";
import { formatBtc, formatSats } from "../src/index.js";

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
