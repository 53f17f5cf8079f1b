import { z } from "zod";

/**
 * Sessions and tickets are JWTs (HS256) of two distinct types: different secrets,
 * audiences and `typ` headers, so one can never be accepted as the other.
 */
export const TOKEN_ISSUER = "clw-cash";
export const SESSION_AUDIENCE = "clw-cash:session";
export const SESSION_TYP = "session+jwt";
export const TICKET_AUDIENCE = "clw-cash:ticket";
export const TICKET_TYP = "ticket+jwt";

/**
 * What a ticket signs: a raw 32-byte digest, a PSBT whose analysis binding (see
 * `@clw/shared/psbt`) it is bound to, or a batch of digests (see `batchHash`). The signer refuses
 * a ticket of one kind on another kind's route.
 */
export const ticketKindSchema = z.enum(["digest", "psbt", "batch"]);
export type TicketKind = z.infer<typeof ticketKindSchema>;

/**
 * Claims of a single-use signing ticket. `jti` is the nonce; `dgh` the SHA-256 of what it signs
 * (the digest, or a PSBT's binding); `knd` the kind, absent for tickets minted before PSBTs (digest).
 */
export const ticketClaimsSchema = z.object({
  iss: z.literal(TOKEN_ISSUER),
  aud: z.literal(TICKET_AUDIENCE),
  sub: z.string().min(1),
  iid: z.string().min(1),
  dgh: z.string().regex(/^[0-9a-f]{64}$/),
  scope: z.literal("sign"),
  jti: z.string().min(16),
  /** The sign intent the owner approved, when the ticket came from one. */
  int: z.string().optional(),
  knd: ticketKindSchema.optional(),
  /**
   * A PSBT ticket whose identity's policy lets inputs use sighash types other than DEFAULT/ALL:
   * only then does the signer sign such inputs.
   */
  uns: z.boolean().optional(),
  /** A PSBT ticket's identity key (33-byte compressed, hex): the API decodes the PSBT with it again without a read. */
  pk: z.string().regex(/^0[23][0-9a-f]{64}$/).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type TicketClaims = z.infer<typeof ticketClaimsSchema>;

/** Claims of a session token. `jti` is the session id, which can be revoked. */
export const sessionClaimsSchema = z.object({
  iss: z.literal(TOKEN_ISSUER),
  aud: z.literal(SESSION_AUDIENCE),
  sub: z.string().min(1),
  jti: z.string().min(16),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;
