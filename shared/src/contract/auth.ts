import { z } from "zod";
import { idSchema, LIMITS } from "./common.js";

export const telegramUserIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * Who a challenge is for: Telegram's numeric id, as an integer or (as the original contract sends
 * it) a string. In test mode any other string of 1–64 printable characters names a test user
 * (the original CLI sends "test_user", its tests "e2e_user_<ms>").
 */
export const telegramUserRefSchema = z.union([
  telegramUserIdSchema,
  z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, "must be 1-64 printable characters without spaces"),
]);


export const challengeRequestSchema = z.strictObject({
  telegram_user_id: telegramUserRefSchema.optional(),
  client_label: z.string().trim().min(1).max(LIMITS.maxClientLabel).optional(),
});
export type ChallengeRequest = z.input<typeof challengeRequestSchema>;

export const verifyRequestSchema = z.strictObject({ challenge_id: idSchema });
export type VerifyRequest = z.input<typeof verifyRequestSchema>;

/** The signed-in user, as the original contract answers it (`telegram_user_id` a decimal string). */
export const userSchema = z.object({
  id: z.string(),
  telegram_user_id: z.string(),
  status: z.literal("active"),
  created_at: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const challengeSchema = z.object({
  challenge_id: z.string(),
  expires_at: z.string(),
  deep_link: z.string().nullable(),
  /** Shown by the client and by the Telegram prompt, so the owner approves the right sign-in. */
  confirmation_code: z.string(),
});
export type Challenge = z.infer<typeof challengeSchema>;

export const sessionSchema = z.object({
  token: z.string(),
  expires_in: z.number(),
  user: userSchema,
});
export type Session = z.infer<typeof sessionSchema>;

/** One of the owner's live sessions, as `GET /v1/sessions` lists them. */
export const sessionInfoSchema = z.object({
  /** The session's id, shortened as the audit trail names it. */
  id: z.string(),
  /** How it was opened: a sign-in link approved in Telegram, the Mini App, or test mode. */
  via: z.enum(["link", "miniapp", "test"]),
  /** The name the requester gave itself when it asked to sign in (its claim). */
  client_label: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  /** The session this request was made with. */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
export const sessionListSchema = z.object({ items: z.array(sessionInfoSchema) });
export const revokeAllSchema = z.object({ ok: z.literal(true), revoked: z.number().int() });

/** `POST /v1/auth/verify` answers 202 with this while the owner has not decided. */
export const verifyPendingSchema = z.object({
  status: z.literal("pending"),
  expires_at: z.string(),
});

/** `POST /v1/auth/telegram`: the Mini App's raw init data (`Telegram.WebApp.initData`). */
export const telegramAuthRequestSchema = z.strictObject({ init_data: z.string().min(1).max(8192) });
export type TelegramAuthRequest = z.input<typeof telegramAuthRequestSchema>;
