import { publicKeySchema } from "@clw/shared";
import { z } from "zod";
import { EnclaveError, KeyConflictError, KeyExistsError } from "./errors.js";
import { parseBody } from "./http.js";
import { generatePrivateKey, publicKeyHex, sameKey, type KeyStore } from "./keys.js";
import { legacyFormatOf, type LegacyOpener } from "./legacy-sealing.js";
import type { SealBinding, Sealer } from "./sealing.js";

/** A route handler: parsed JSON body in, status and JSON body out. Throws EnclaveError. */
export type Handler = (body: unknown) => Promise<{ status: number; body: unknown }>;

/** Identity and user ids: 1–64 characters of `[A-Za-z0-9_-]`. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 characters of [A-Za-z0-9_-]");

const ownedSchema = z.object({ identity_id: idSchema, user_id: idSchema });
const identitySchema = z.object({ identity_id: idSchema });
const importSchema = ownedSchema.extend({
  sealed_key: z.string().min(1).max(4096),
  /** The identity's public key as the API knows it: required for legacy backups, checked whenever given. */
  public_key: publicKeySchema.optional(),
});

interface KeyDeps {
  keyStore: KeyStore;
  sealer: Sealer;
  legacy: LegacyOpener;
}

function generate({ keyStore, sealer }: KeyDeps): Handler {
  return async (raw) => {
    const { identity_id, user_id } = parseBody(ownedSchema, raw);
    if (keyStore.get(identity_id)) throw new KeyExistsError();
    const privateKey = generatePrivateKey();
    try {
      const sealed_key = await sealer.seal(privateKey, { identityId: identity_id, userId: user_id });
      const held = keyStore.put(identity_id, user_id, privateKey);
      return { status: 201, body: { identity_id, alg: "secp256k1", public_key: held.publicKey, sealed_key } };
    } catch (err) {
      privateKey.fill(0);
      throw err;
    }
  };
}

/** Opens a backup in the current format or, given the public key to expect, in a legacy one. */
async function openBackup({ sealer, legacy }: KeyDeps, sealed: string, binding: SealBinding, publicKey: string | undefined) {
  const format = legacyFormatOf(sealed);
  if (!format) return { privateKey: await sealer.open(sealed, binding), legacy: false };
  if (!publicKey) throw new EnclaveError(400, "bad_request", "public_key: required to import a legacy backup (legacy formats bind no identity)");
  return { privateKey: await legacy.open(sealed, format), legacy: true };
}

/**
 * Restores a key from its backup. A key that does not produce the expected `public_key` never
 * enters the store (409). A legacy backup is answered with `resealed_key`: the same key sealed
 * in the current format, bound to the identity and owner, for the caller to store instead.
 */
function importKey(deps: KeyDeps): Handler {
  return async (raw) => {
    const { identity_id, user_id, sealed_key, public_key: expected } = parseBody(importSchema, raw);
    const binding = { identityId: identity_id, userId: user_id };
    const { privateKey, legacy } = await openBackup(deps, sealed_key, binding, expected);
    let stored = false;
    try {
      const public_key = publicKeyHex(privateKey);
      if (expected && public_key !== expected) throw new KeyConflictError("the sealed backup holds a different key than public_key");
      const resealed = legacy ? { resealed_key: await deps.sealer.seal(privateKey, binding) } : {};
      const held = deps.keyStore.get(identity_id);
      if (held && !(held.userId === user_id && sameKey(held.privateKey, privateKey))) throw new KeyConflictError();
      if (!held) {
        deps.keyStore.put(identity_id, user_id, privateKey);
        stored = true;
      }
      return { status: 200, body: { identity_id, public_key, imported: stored, ...resealed } };
    } finally {
      if (!stored) privateKey.fill(0);
    }
  };
}

/** Key lifecycle routes: generate, destroy and import (restore). Keys are never exported. */
export function createKeyRoutes(deps: KeyDeps): Record<string, Handler> {
  const { keyStore } = deps;
  return {
    "/v1/keys/generate": generate(deps),
    "/v1/keys/import": importKey(deps),
    "/v1/keys/destroy": async (raw) => {
      const { identity_id } = parseBody(identitySchema, raw);
      return { status: 200, body: { ok: true, existed: keyStore.destroy(identity_id) } };
    },
  };
}
