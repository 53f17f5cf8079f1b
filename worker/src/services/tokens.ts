import {
  SESSION_AUDIENCE,
  SESSION_TYP,
  TICKET_AUDIENCE,
  TICKET_TYP,
  TOKEN_ISSUER,
  sessionClaimsSchema,
  ticketClaimsSchema,
  type SessionClaims,
  type TicketClaims,
} from "@clw/shared";
import { SignJWT, errors, jwtVerify } from "jose";
import { AppError } from "../errors.js";

type Unsigned<T> = Omit<T, "iss" | "aud" | "iat" | "exp">;

const keys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

/** The HMAC key for a secret, imported once per isolate rather than on every JWT. */
function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

async function mint(claims: Record<string, unknown>, typ: string, audience: string, secret: Uint8Array, ttlSeconds: number, nowMs: number) {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(await hmacKey(secret));
}

/** Signs a session token (HS256, session secret, `session+jwt`). */
export function mintSessionToken(claims: Unsigned<SessionClaims>, secret: Uint8Array, ttlSeconds: number, nowMs = Date.now()) {
  return mint(claims, SESSION_TYP, SESSION_AUDIENCE, secret, ttlSeconds, nowMs);
}

/** Signs a single-use ticket (HS256, ticket secret, `ticket+jwt`). */
export function mintTicket(claims: Unsigned<TicketClaims>, secret: Uint8Array, ttlSeconds: number, nowMs = Date.now()) {
  return mint(claims, TICKET_TYP, TICKET_AUDIENCE, secret, ttlSeconds, nowMs);
}

type VerifyOptions = Parameters<typeof jwtVerify>[2];

/** Verifies with the current secret or, when its signature does not match and a rotation is under way, the previous one. */
async function verifyWithEither(token: string, current: Uint8Array, previous: Uint8Array | undefined, options: VerifyOptions) {
  try {
    return (await jwtVerify(token, await hmacKey(current), options)).payload;
  } catch (error) {
    if (!previous || !(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
    return (await jwtVerify(token, await hmacKey(previous), options)).payload;
  }
}

/**
 * Verifies a session token against the current session secret or, during a rotation, the previous.
 * @throws AppError 401 `unauthorized` for anything but a valid, unexpired session token.
 */
export async function verifySessionToken(token: string, secret: Uint8Array, previous?: Uint8Array): Promise<SessionClaims> {
  try {
    const payload = await verifyWithEither(token, secret, previous, { algorithms: ["HS256"], issuer: TOKEN_ISSUER, audience: SESSION_AUDIENCE, typ: SESSION_TYP });
    return sessionClaimsSchema.parse(payload);
  } catch {
    throw new AppError(401, "unauthorized", "the session token is invalid or expired");
  }
}

/**
 * Verifies a ticket's signature (current or, during a rotation, previous ticket secret), type and expiry.
 * @throws AppError 410 `ticket_expired`, or 401 `invalid_ticket` for anything that is not a ticket.
 */
export async function verifyTicket(ticket: string, secret: Uint8Array, previous?: Uint8Array): Promise<TicketClaims> {
  try {
    const payload = await verifyWithEither(ticket, secret, previous, { algorithms: ["HS256"], issuer: TOKEN_ISSUER, audience: TICKET_AUDIENCE, typ: TICKET_TYP });
    return ticketClaimsSchema.parse(payload);
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new AppError(410, "ticket_expired", "the ticket has expired");
    throw new AppError(401, "invalid_ticket", "the ticket is not valid");
  }
}
