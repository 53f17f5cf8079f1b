import { z } from "zod";
import { KeyConflictError, KeyExistsError, KeyNotFoundError } from "./errors.js";
import { parseBody } from "./http.js";
import { generatePrivateKey, publicKeyHex, sameKey, type KeyStore } from "./keys.js";
import type { Sealer } from "./sealing.js";

/** A route handler: parsed JSON body in, status and JSON body out. Throws EnclaveError. */
export type Handler = (body: unknown) => Promise<{ status: number; body: unknown }>;

/** Identity and user ids: 1–64 characters of `[A-Za-z0-9_-]`. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 characters of [A-Za-z0-9_-]");

const ownedSchema = z.object({ identity_id: idSchema, user_id: idSchema });
const identitySchema = z.object({ identity_id: idSchema });
const importSchema = ownedSchema.extend({ sealed_key: z.string().min(1).max(4096) });

interface KeyDeps {
  keyStore: KeyStore;
  sealer: Sealer;
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

function importKey({ keyStore, sealer }: KeyDeps): Handler {
  return async (raw) => {
    const { identity_id, user_id, sealed_key } = parseBody(importSchema, raw);
    const privateKey = await sealer.open(sealed_key, { identityId: identity_id, userId: user_id });
    const held = keyStore.get(identity_id);
    if (!held) {
      const stored = keyStore.put(identity_id, user_id, privateKey);
      return { status: 200, body: { identity_id, public_key: stored.publicKey, imported: true } };
    }
    const same = held.userId === user_id && sameKey(held.privateKey, privateKey);
    const public_key = publicKeyHex(privateKey);
    privateKey.fill(0);
    if (!same) throw new KeyConflictError();
    return { status: 200, body: { identity_id, public_key, imported: false } };
  };
}

/** Key lifecycle routes: generate, destroy, export (re-seal) and import (restore). */
export function createKeyRoutes(deps: KeyDeps): Record<string, Handler> {
  const { keyStore, sealer } = deps;
  return {
    "/v1/keys/generate": generate(deps),
    "/v1/keys/import": importKey(deps),
    "/v1/keys/destroy": async (raw) => {
      const { identity_id } = parseBody(identitySchema, raw);
      return { status: 200, body: { ok: true, existed: keyStore.destroy(identity_id) } };
    },
    "/v1/keys/export": async (raw) => {
      const { identity_id } = parseBody(identitySchema, raw);
      const held = keyStore.get(identity_id);
      if (!held) throw new KeyNotFoundError();
      const sealed_key = await sealer.seal(held.privateKey, { identityId: identity_id, userId: held.userId });
      return { status: 200, body: { identity_id, alg: "secp256k1", sealed_key } };
    },
  };
}
