import { batchHash, digestHash, normalizeDigest, type TicketClaims, type TicketKind } from "@clw/shared";
import { z } from "zod";
import { EnclaveError, KeyNotFoundError } from "./errors.js";
import { parseBody } from "./http.js";
import { idSchema, type Handler } from "./key-routes.js";
import { signDigest, type HeldKey, type KeyStore } from "./keys.js";
import { checkTicketOwner, checkTicketTarget, type ReplayCache, type TicketVerifier } from "./tickets.js";

/** A ticket as a request carries it. */
export const ticketSchema = z.string().min(1).max(8192);
const digestField = z.string().max(130);
const signSchema = z.object({ identity_id: idSchema, digest: digestField, ticket: ticketSchema });
const batchSchema = z.object({ identity_id: idSchema, digests: z.array(digestField).min(1).max(100), ticket: ticketSchema });

interface SignDeps {
  keyStore: KeyStore;
  verifier: TicketVerifier;
  replayCache: ReplayCache;
}

function toDigest(input: string): string {
  const hex = normalizeDigest(input);
  if (!hex) throw new EnclaveError(400, "invalid_digest", "digest must be 32 bytes as 64 hex characters");
  return hex;
}

/**
 * Verifies the ticket (signature, expiry, identity, kind, and that it is bound to exactly what is
 * asked), then the key's presence and owner. Consumes nothing.
 */
async function checkTicket(deps: SignDeps, identityId: string, ticket: string, kind: TicketKind, boundHash: string): Promise<{ key: HeldKey; claims: TicketClaims }> {
  const claims = await deps.verifier.verify(ticket);
  checkTicketTarget(claims, identityId, boundHash, kind);
  const key = deps.keyStore.get(identityId);
  if (!key) throw new KeyNotFoundError();
  checkTicketOwner(claims, key.userId);
  return { key, claims };
}

/** Consumes the ticket's nonce and signs every digest; synchronous so no request can interleave. */
function consumeAndSign(deps: SignDeps, key: HeldKey, claims: TicketClaims, digests: string[]): string[] {
  if (deps.keyStore.get(key.identityId) !== key) throw new KeyNotFoundError();
  deps.replayCache.consume([{ jti: claims.jti, exp: claims.exp }]);
  return digests.map((digest) => Buffer.from(signDigest(key.privateKey, Buffer.from(digest, "hex"))).toString("hex"));
}

/**
 * Signing routes: one digest with a digest ticket, or a batch of up to 100 digests with one batch
 * ticket bound to exactly those digests in that order (`batchHash`), signed as a whole.
 */
export function createSignRoutes(deps: SignDeps): Record<string, Handler> {
  return {
    "/v1/keys/sign": async (raw) => {
      const body = parseBody(signSchema, raw);
      const digest = toDigest(body.digest);
      const { key, claims } = await checkTicket(deps, body.identity_id, body.ticket, "digest", digestHash(digest));
      const [signature] = consumeAndSign(deps, key, claims, [digest]);
      return { status: 200, body: { signature } };
    },
    "/v1/keys/sign-batch": async (raw) => {
      const body = parseBody(batchSchema, raw);
      const digests = body.digests.map(toDigest);
      const { key, claims } = await checkTicket(deps, body.identity_id, body.ticket, "batch", batchHash(digests));
      return { status: 200, body: { signatures: consumeAndSign(deps, key, claims, digests) } };
    },
  };
}
