import { z } from "zod";
import { parseBitcoinAddress } from "../destination.js";
import { normalizeDigest } from "../hex.js";

/** Limits of the REST contract, shared by the API and its clients. */
export const LIMITS = {
  maxBodyBytes: 64 * 1024,
  maxBatch: 100,
  maxAuditPage: 100,
  defaultAuditPage: 50,
  maxClientLabel: 64,
  maxTicketChars: 4096,
  maxMemo: 280,
  maxDestinations: 50,
  maxWaitSeconds: 25,
  maxAgentIdentities: 100,
  /** An agent key lives at most a year (unless revoked earlier). */
  maxAgentKeySeconds: 366 * 24 * 3600,
  maxIdempotencyKey: 255,
} as const;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const idSchema = z.string().regex(UUID_RE, "must be a UUID");

/** A 32-byte digest: 64 hex characters, optional `0x`; normalised to lowercase hex. */
export const digestSchema = z
  .string()
  .transform((value, ctx) => {
    const digest = normalizeDigest(value);
    if (!digest) {
      ctx.addIssue({ code: "custom", message: "digest must be 32 bytes as 64 hex characters" });
      return z.NEVER;
    }
    return digest;
  });

/** The most satoshis there will ever be: amounts above it are absurd. */
export const MAX_SATS = 2_100_000_000_000_000;
export const satsSchema = z.number().int().min(0).max(MAX_SATS);

export const destinationSchema = z
  .string()
  .refine((value) => parseBitcoinAddress(value) !== null, "destination must be a valid Bitcoin address");

/** What an agent wants to pay, shown to the owner and checked against the identity's policy. */
export const paymentSchema = z.strictObject({
  amount_sats: satsSchema.min(1),
  destination: destinationSchema,
  memo: z.string().max(LIMITS.maxMemo).optional(),
});
export type Payment = z.infer<typeof paymentSchema>;

/** A 33-byte compressed secp256k1 public key in hex, normalised to lowercase. */
export const publicKeySchema = z
  .string()
  .regex(/^0[23][0-9a-fA-F]{64}$/, "must be a 33-byte compressed public key in hex")
  .transform((key) => key.toLowerCase());


export const okSchema = z.object({ ok: z.literal(true) });
