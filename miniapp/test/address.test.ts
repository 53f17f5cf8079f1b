import { describe, expect, it } from "vitest";
import { addressUri, identityAddress, shortAddress } from "../src/address.js";

// BIP-86's first receiving key, as an identity would store it (33-byte compressed).
const PUBLIC_KEY = "02cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115";
const ADDRESS = "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr";

describe("an identity's address", () => {
  it("is the BIP-86 P2TR address of its key, on either network", () => {
    expect(identityAddress(PUBLIC_KEY)).toBe(ADDRESS);
    expect(identityAddress(PUBLIC_KEY, "testnet")).toMatch(/^tb1p[02-9ac-hj-np-z]{58}$/);
  });

  it("is null, not a crash, for a key that has no address", () => {
    expect(identityAddress("02" + "00".repeat(31) + "05")).toBeNull();
    expect(identityAddress("nonsense")).toBeNull();
  });

  it("is shown shortened in lists and as a bitcoin: URI in QR codes", () => {
    expect(shortAddress(ADDRESS)).toBe("bc1p5cyx…kedrcr");
    expect(addressUri(ADDRESS)).toBe(`bitcoin:${ADDRESS}`);
  });
});
