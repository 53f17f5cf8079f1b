import { errors, jwtVerify } from "jose";
import { TICKET_AUDIENCE, TICKET_TYP, TOKEN_ISSUER, ticketClaimsSchema, type TicketClaims, type TicketKind } from "@clw/shared";
import { TicketExpiredError, TicketInvalidError, TicketMismatchError, TicketReplayError } from "./errors.js";

/** Verifies signing tickets (HS256 JWTs of type `ticket+jwt`). */
export interface TicketVerifier {
  /**
   * Checks signature, type, issuer, audience, expiry and claim shape.
   * @throws TicketInvalidError (401) or TicketExpiredError (410).
   */
  verify(ticket: string): Promise<TicketClaims>;
}

/**
 * Creates a verifier accepting tickets signed with the current secret or, during a rotation,
 * the previous one; the secrets are encoded once here, not per request.
 */
export function createTicketVerifier(secret: string, previousSecret?: string): TicketVerifier {
  const keys = [secret, previousSecret].filter((s): s is string => Boolean(s)).map((s) => new TextEncoder().encode(s));
  const options = { algorithms: ["HS256"], issuer: TOKEN_ISSUER, audience: TICKET_AUDIENCE, typ: TICKET_TYP };
  const verifyWithAny = async (ticket: string) => {
    for (const [i, key] of keys.entries()) {
      try {
        return (await jwtVerify(ticket, key, options)).payload;
      } catch (err) {
        // A bad signature may just mean the other secret signed it; anything else is final.
        if (!(err instanceof errors.JWSSignatureVerificationFailed) || i === keys.length - 1) throw err;
      }
    }
    throw new TicketInvalidError();
  };
  return {
    async verify(ticket) {
      let payload: unknown;
      try {
        payload = await verifyWithAny(ticket);
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new TicketExpiredError();
        throw new TicketInvalidError();
      }
      const parsed = ticketClaimsSchema.safeParse(payload);
      if (!parsed.success) throw new TicketInvalidError("ticket claims are invalid");
      return parsed.data;
    },
  };
}

/**
 * Checks that a ticket signs this kind of thing; a ticket without `knd` is a digest ticket.
 * A PSBT ticket never signs a raw digest, and a digest ticket never signs a PSBT.
 * @throws TicketMismatchError (403).
 */
const KIND_WORDS: Record<TicketKind, string> = { digest: "a digest", psbt: "a PSBT", batch: "a batch of digests" };

export function checkTicketKind(claims: TicketClaims, kind: TicketKind): void {
  const actual = claims.knd ?? "digest";
  if (actual !== kind) throw new TicketMismatchError(`request: it signs ${KIND_WORDS[actual]}, not ${KIND_WORDS[kind]}`);
}

/**
 * Checks that a ticket is bound to this identity, this kind (digest unless said otherwise) and
 * this hash (of the digest, or of a PSBT's binding).
 * @throws TicketMismatchError (403).
 */
export function checkTicketTarget(claims: TicketClaims, identityId: string, hashHex: string, kind: TicketKind = "digest"): void {
  if (claims.iid !== identityId) throw new TicketMismatchError("identity");
  checkTicketKind(claims, kind);
  if (claims.dgh !== hashHex) throw new TicketMismatchError(kind === "psbt" ? "transaction" : kind === "batch" ? "digests" : "digest");
}

/**
 * Checks that a ticket was issued to the key's owner.
 * @throws TicketMismatchError (403).
 */
export function checkTicketOwner(claims: TicketClaims, ownerUserId: string): void {
  if (claims.sub !== ownerUserId) throw new TicketMismatchError("key owner");
}

/** Single-use nonces. All methods are synchronous so check-and-set cannot interleave. */
export interface ReplayCache {
  /**
   * Marks every nonce used, or none of them.
   * @throws TicketReplayError if any was used before or appears twice in `entries`.
   */
  consume(entries: ReadonlyArray<{ jti: string; exp: number }>): void;
  size(): number;
}

/**
 * An in-memory replay cache keyed by jti, holding each nonce until its ticket's `exp`
 * (seconds). Expired entries are pruned at most every `pruneEveryMs`.
 */
export function createReplayCache(options: { now?: () => number; pruneEveryMs?: number } = {}): ReplayCache {
  const now = options.now ?? Date.now;
  const pruneEveryMs = options.pruneEveryMs ?? 10_000;
  const used = new Map<string, number>();
  let lastPrune = now();

  function prune(): void {
    const t = now();
    if (t - lastPrune < pruneEveryMs) return;
    lastPrune = t;
    const nowSeconds = t / 1000;
    for (const [jti, exp] of used) if (exp < nowSeconds) used.delete(jti);
  }

  return {
    consume(entries) {
      prune();
      const seen = new Set<string>();
      for (const { jti } of entries) {
        if (used.has(jti) || seen.has(jti)) throw new TicketReplayError();
        seen.add(jti);
      }
      for (const { jti, exp } of entries) used.set(jti, exp);
    },
    size: () => used.size,
  };
}
