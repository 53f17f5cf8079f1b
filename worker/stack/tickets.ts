import { randomBytes } from "node:crypto";
import { TICKET_AUDIENCE, TICKET_TYP, TOKEN_ISSUER, type TicketKind } from "@clw/shared";
import { SignJWT } from "jose";
import type { LocalStack } from "./local-stack.js";

/**
 * A valid signing ticket minted with the stack's ticket secret, as the API mints one: for tests
 * and benchmarks that call the signer's internal routes directly. `dgh` is what it is bound to
 * (`digestHash` of a digest, `batchHash` of a batch, or a PSBT binding's hash).
 */
export async function mintStackTicket(stack: LocalStack, claims: { userId: string; identityId: string; dgh: string; kind?: TicketKind }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const kind = claims.kind && claims.kind !== "digest" ? { knd: claims.kind } : {};
  return new SignJWT({ iid: claims.identityId, dgh: claims.dgh, scope: "sign", ...kind })
    .setProtectedHeader({ alg: "HS256", typ: TICKET_TYP })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TICKET_AUDIENCE)
    .setSubject(claims.userId)
    .setJti(randomBytes(16).toString("hex"))
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(new TextEncoder().encode(stack.secrets.TICKET_SIGNING_SECRET));
}
