import { digestHash, normalizeDigest, type TicketClaims } from "@clw/shared";
import { z } from "zod";
import { EnclaveError, KeyNotFoundError } from "./errors.js";
import { parseBody } from "./http.js";
import { idSchema, type Handler } from "./key-routes.js";
import { signDigest, type HeldKey, type KeyStore } from "./keys.js";
import { checkTicketOwner, checkTicketTarget, type ReplayCache, type TicketVerifier } from "./tickets.js";

/** A ticket as a request carries it. */
export const ticketSchema = z.string().min(1).max(8192);
const itemSchema = z.object({ digest: z.string().max(130), ticket: ticketSchema });
const signSchema = itemSchema.extend({ identity_id: idSchema });
const batchSchema = z.object({ identity_id: idSchema, items: z.array(itemSchema).min(1).max(100) });

interface SignDeps {
  keyStore: KeyStore;
  verifier: TicketVerifier;
  replayCache: ReplayCache;
}

interface CheckedItem {
  digest: Uint8Array;
  claims: TicketClaims;
}

function toDigest(input: string): { bytes: Uint8Array; hash: string } {
  const hex = normalizeDigest(input);
  if (!hex) throw new EnclaveError(400, "invalid_digest", "digest must be 32 bytes as 64 hex characters");
  return { bytes: new Uint8Array(Buffer.from(hex, "hex")), hash: digestHash(hex) };
}

/**
 * Verifies tickets (signature, expiry, identity, digest) in order, then the key's presence
 * and owner. Consumes nothing. Throws the first failure in item order.
 */
async function checkItems(deps: SignDeps, identityId: string, items: Array<{ digest: string; ticket: string }>) {
  const digests = items.map((item) => toDigest(item.digest));
  const results = await Promise.allSettled(items.map((item) => deps.verifier.verify(item.ticket)));
  const checked: CheckedItem[] = results.map((result, i) => {
    if (result.status === "rejected") throw result.reason;
    checkTicketTarget(result.value, identityId, digests[i]!.hash);
    return { digest: digests[i]!.bytes, claims: result.value };
  });
  const key = deps.keyStore.get(identityId);
  if (!key) throw new KeyNotFoundError();
  for (const item of checked) checkTicketOwner(item.claims, key.userId);
  return { key, checked };
}

/** Consumes every nonce (all or none) and signs; synchronous so no request can interleave. */
function consumeAndSign(deps: SignDeps, key: HeldKey, checked: CheckedItem[]): string[] {
  if (deps.keyStore.get(key.identityId) !== key) throw new KeyNotFoundError();
  deps.replayCache.consume(checked.map(({ claims }) => ({ jti: claims.jti, exp: claims.exp })));
  return checked.map(({ digest }) => Buffer.from(signDigest(key.privateKey, digest)).toString("hex"));
}

/** Signing routes: one digest, or a batch of up to 100 that succeeds or fails as a whole. */
export function createSignRoutes(deps: SignDeps): Record<string, Handler> {
  return {
    "/v1/keys/sign": async (raw) => {
      const { identity_id, digest, ticket } = parseBody(signSchema, raw);
      const { key, checked } = await checkItems(deps, identity_id, [{ digest, ticket }]);
      const [signature] = consumeAndSign(deps, key, checked);
      return { status: 200, body: { signature } };
    },
    "/v1/keys/sign-batch": async (raw) => {
      const { identity_id, items } = parseBody(batchSchema, raw);
      const { key, checked } = await checkItems(deps, identity_id, items);
      return { status: 200, body: { signatures: consumeAndSign(deps, key, checked) } };
    },
  };
}
