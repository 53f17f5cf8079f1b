import { z } from "zod";
import { publicKeySchema } from "./common.js";

/** `POST /v1/identities`: `{}` or, as the original SDK sends, `{"alg": "secp256k1"}`. */
export const createIdentityRequestSchema = z.strictObject({ alg: z.literal("secp256k1", { error: 'alg must be "secp256k1"' }).optional() });

/**
 * `POST /v1/identities/:id/restore`: the original CLI sends the public key it remembers. It is
 * checked against the identity, never trusted: the key always comes from the sealed backup.
 */
export const restoreRequestSchema = z.strictObject({ public_key: publicKeySchema.optional() });

export const identitySchema = z.object({
  id: z.string(),
  user_id: z.string(),
  alg: z.literal("secp256k1"),
  public_key: z.string(),
  status: z.enum(["active", "destroyed"]),
  created_at: z.string(),
  /** The key's BIP-86 Taproot address on the API's Bitcoin network: coins sent there it can spend. */
  address: z.string().optional(),
});
export type Identity = z.infer<typeof identitySchema>;

export const identityListSchema = z.object({ items: z.array(identitySchema) });
