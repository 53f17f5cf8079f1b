import { describe, expect, it } from "vitest";
import { TICKET_AUDIENCE, TOKEN_ISSUER, ticketClaimsSchema } from "../src/index.js";

const claims = {
  iss: TOKEN_ISSUER, aud: TICKET_AUDIENCE, sub: "user", iid: "identity", dgh: "ab".repeat(32),
  scope: "sign", jti: "0123456789abcdef", iat: 1, exp: 2,
};

describe("ticket claims", () => {
  it("read a ticket without a kind as before (a digest ticket)", () => {
    expect(ticketClaimsSchema.parse(claims).knd).toBeUndefined();
  });

  it("carry the kind of what the ticket signs", () => {
    expect(ticketClaimsSchema.parse({ ...claims, knd: "psbt" }).knd).toBe("psbt");
    expect(ticketClaimsSchema.parse({ ...claims, knd: "digest" }).knd).toBe("digest");
    expect(ticketClaimsSchema.safeParse({ ...claims, knd: "transaction" }).success).toBe(false);
  });
});
