import { describe, expect, it } from "vitest";
import { digestHash, normalizeDigest, verifySchnorr, xOnlyPublicKey } from "../src/index.js";

describe("digests", () => {
  it("normalises 64 hex characters, with or without 0x, to lowercase", () => {
    expect(normalizeDigest(`0x${"AB".repeat(32)}`)).toBe("ab".repeat(32));
    expect(normalizeDigest("cd".repeat(32))).toBe("cd".repeat(32));
  });

  it("refuses anything that is not exactly 32 bytes of hex", () => {
    for (const bad of ["", "0x", "ab".repeat(31), "ab".repeat(33), "zz".repeat(32), ` ${"ab".repeat(32)}`, 42, null, undefined, ["ab".repeat(32)]]) {
      expect(normalizeDigest(bad)).toBeNull();
    }
  });

  it("hashes the digest's bytes, not its text", () => {
    // SHA-256 of 32 zero bytes.
    expect(digestHash("00".repeat(32))).toBe("66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
  });
});

describe("BIP-340 verification", () => {
  // Official BIP-340 test vectors 0 and 1.
  const vectors = [
    {
      key: "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
      msg: "0000000000000000000000000000000000000000000000000000000000000000",
      sig: "E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA821525F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0",
    },
    {
      key: "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
      msg: "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
      sig: "6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE33418906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A",
    },
  ];

  it("accepts the official vectors, by x-only or compressed key", () => {
    for (const v of vectors) {
      expect(verifySchnorr(v.key, v.msg, v.sig)).toBe(true);
      expect(verifySchnorr(`02${v.key}`, v.msg, v.sig)).toBe(true);
    }
  });

  it("refuses a changed message, signature or key, and malformed input, without throwing", () => {
    const v = vectors[1]!;
    expect(verifySchnorr(v.key, `${v.msg.slice(0, 63)}0`, v.sig)).toBe(false);
    expect(verifySchnorr(v.key, v.msg, `${v.sig.slice(0, 127)}B`)).toBe(false);
    expect(verifySchnorr(vectors[0]!.key, v.msg, v.sig)).toBe(false);
    expect(verifySchnorr("nope", v.msg, v.sig)).toBe(false);
    expect(verifySchnorr(v.key, "12", v.sig)).toBe(false);
    expect(verifySchnorr(v.key, v.msg, "ab")).toBe(false);
  });

  it("takes the x-only key from a compressed key", () => {
    expect(xOnlyPublicKey(`03${"AA".repeat(32)}`)).toBe("aa".repeat(32));
    expect(() => xOnlyPublicKey(`04${"aa".repeat(32)}`)).toThrow();
  });
});
