import { bytesToHex } from "@noble/hashes/utils.js";
import { bech32m } from "@scure/base";
import { describe, expect, it } from "vitest";
import { encodeSegwitV1, p2trAddress, taprootOutputKey } from "../src/index.js";

// BIP-86 test vectors (mnemonic "abandon … about"), m/86'/0'/0'/{0/0, 0/1, 1/0}.
const BIP86 = [
  {
    internal: "cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115",
    output: "a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c",
    address: "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
  },
  {
    internal: "83dfe85a3151d2517290da461fe2815591ef69f2b18a2ce63f01697a8b313145",
    output: "a82f29944d65b86ae6b5e5cc75e294ead6c59391a1edc5e016e3498c67fc7bbb",
    address: "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh",
  },
  {
    internal: "399f1b2f4393f29a18c937859c5dd8a77350103157eb880f02e8c08214277cef",
    output: "882d74e5d0572d5a816cef0041a96b6c1de832f6f9676d9605c44d5e9a97d3dc",
    address: "bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7",
  },
];

describe("P2TR addresses (BIP-86)", () => {
  it.each(BIP86)("tweaks $internal into the BIP-86 output key", ({ internal, output }) => {
    expect(taprootOutputKey(internal)).toBe(output);
  });

  it.each(BIP86)("derives $address from the x-only key", ({ internal, address }) => {
    expect(p2trAddress(internal)).toBe(address);
  });

  it("accepts a 33-byte compressed key of either parity, as identities store them", () => {
    const { internal, address } = BIP86[0]!;
    expect(p2trAddress(`02${internal}`)).toBe(address);
    expect(p2trAddress(`03${internal}`)).toBe(address);
    expect(p2trAddress(internal.toUpperCase())).toBe(address);
  });

  it("uses the tb hrp on testnet, with the same witness program", () => {
    const { internal, output } = BIP86[0]!;
    const address = p2trAddress(internal, "testnet");
    expect(address.startsWith("tb1p")).toBe(true);
    const decoded = bech32m.decode(address as `${string}1${string}`);
    expect(decoded.prefix).toBe("tb");
    expect(decoded.words[0]).toBe(1);
    expect(bytesToHex(bech32m.fromWords(decoded.words.slice(1)))).toBe(output);
  });

  it("shares testnet's tb prefix on signet and uses bcrt on regtest", () => {
    const { internal, output } = BIP86[0]!;
    expect(p2trAddress(internal, "signet")).toBe(p2trAddress(internal, "testnet"));
    const regtest = p2trAddress(internal, "regtest");
    const decoded = bech32m.decode(regtest as `${string}1${string}`);
    expect(decoded.prefix).toBe("bcrt");
    expect(bytesToHex(bech32m.fromWords(decoded.words.slice(1)))).toBe(output);
  });

  it("refuses malformed keys and x coordinates that are not on the curve", () => {
    expect(() => p2trAddress("abcd")).toThrow();
    expect(() => p2trAddress("zz".repeat(32))).toThrow();
    // x = 5 has no point on secp256k1 (5³ + 7 = 132 is not a square mod p).
    expect(() => p2trAddress(`${"00".repeat(31)}05`)).toThrow();
  });
});

describe("bech32m SegWit v1 encoding (BIP-350 vectors)", () => {
  it("encodes the mainnet v1 program of the generator's x coordinate", () => {
    expect(encodeSegwitV1("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")).toBe(
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
    );
  });

  it("encodes the testnet v1 vector", () => {
    expect(encodeSegwitV1("000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433", "testnet")).toBe(
      "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
    );
  });
});
