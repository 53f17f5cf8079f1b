import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ecc from "tiny-secp256k1";
import { signDigest } from "../src/keys.js";

interface Vector {
  index: string;
  secretKey: string;
  publicKey: string;
  auxRand: string;
  message: string;
  signature: string;
  result: boolean;
  comment: string;
}

const csv = readFileSync(new URL("./fixtures/bip340-test-vectors.csv", import.meta.url), "utf8");
const vectors: Vector[] = csv
  .split(/\r?\n/)
  .slice(1)
  .filter((line) => line.trim() !== "")
  .map((line) => {
    const [index, secretKey, publicKey, auxRand, message, signature, result, ...rest] = line.split(",");
    return {
      index: index!, secretKey: secretKey!, publicKey: publicKey!, auxRand: auxRand!,
      message: message!, signature: signature!, result: result === "TRUE", comment: rest.join(","),
    };
  });
const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

function verifies(v: Vector): boolean {
  try {
    return ecc.verifySchnorr(hex(v.message), hex(v.publicKey), hex(v.signature));
  } catch {
    return false; // invalid public keys throw in tiny-secp256k1: that is a failed verification
  }
}

describe("BIP-340 official test vectors", () => {
  it("loads all vectors", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(15);
    expect(vectors.filter((v) => v.secretKey !== "").length).toBeGreaterThanOrEqual(4);
  });

  for (const v of vectors.filter((v) => v.secretKey !== "")) {
    it(`vector ${v.index}: signDigest with the vector's aux_rand gives the expected signature`, () => {
      const sig = signDigest(hex(v.secretKey), hex(v.message), hex(v.auxRand));
      expect(Buffer.from(sig).toString("hex").toUpperCase()).toBe(v.signature);
      expect(Buffer.from(ecc.xOnlyPointFromScalar(hex(v.secretKey))).toString("hex").toUpperCase()).toBe(v.publicKey);
    });
  }

  for (const v of vectors) {
    it(`vector ${v.index}: verification is ${v.result} ${v.comment}`, () => {
      expect(verifies(v)).toBe(v.result);
    });
  }
});
