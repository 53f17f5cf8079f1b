import { describe, expect, it } from "vitest";
import { parseBitcoinAddress } from "../src/index.js";

describe("Bitcoin destinations", () => {
  it("accepts valid addresses of every kind (BIP-173, BIP-350 and base58check vectors)", () => {
    expect(parseBitcoinAddress("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")).toEqual({ network: "mainnet", kind: "segwit" });
    expect(parseBitcoinAddress("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")).toEqual({ network: "testnet", kind: "segwit" });
    expect(parseBitcoinAddress("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")).toEqual({ network: "mainnet", kind: "segwit" });
    expect(parseBitcoinAddress("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")).toEqual({ network: "mainnet", kind: "p2pkh" });
    expect(parseBitcoinAddress("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")).toEqual({ network: "mainnet", kind: "p2sh" });
  });

  it("refuses malformed ones", () => {
    for (const bad of [
      "",
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", // bad checksum
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", // v1 with bech32 checksum
      "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7Kv8F3T4", // mixed case
      "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", // bad base58 checksum
      "not an address at all",
      "x".repeat(200),
    ]) {
      expect(parseBitcoinAddress(bad), bad).toBeNull();
    }
  });
});
