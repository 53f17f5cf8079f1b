import { z } from "zod";
import { telegramUserRefSchema } from "./auth.js";
import { idSchema, LIMITS } from "./common.js";

/** What an agent key may do: `sign` (sign-intent, sign, sign-batch, PSBTs, its own requests), `read` (its keys, addresses, policies). */
export const AGENT_PERMISSIONS = ["sign", "read"] as const;
export type AgentPermission = (typeof AGENT_PERMISSIONS)[number];

/** Agent keys are `clw_ak_` and 43 characters of base64url (32 random bytes). */
export const AGENT_KEY_PREFIX = "clw_ak_";
export const agentKeySchema = z.string().regex(/^clw_ak_[A-Za-z0-9_-]{43}$/, "must be an agent key (clw_ak_…)");

const agentNameSchema = z.string().trim().min(1, "name must not be empty").max(64).regex(/^[^\u0000-\u001f\u007f]+$/, "name must be printable");

/** What an agent asks for: a name, the identities (all of the owner's when absent), permissions, a lifetime. */
const agentGrantFields = {
  name: agentNameSchema,
  identity_ids: z.array(idSchema).min(1).max(LIMITS.maxAgentIdentities).optional(),
  permissions: z.array(z.enum(AGENT_PERMISSIONS)).min(1).max(2).optional(),
  /** Seconds until the key stops working (absent: until revoked). */
  expires_in: z.number().int().min(60).max(LIMITS.maxAgentKeySeconds).optional(),
};

/** `POST /v1/auth/agent`: an agent asks its owner for a key (test mode: with `telegram_user_id`). */
export const agentSignInRequestSchema = z.strictObject({ ...agentGrantFields, telegram_user_id: telegramUserRefSchema.optional() });
export type AgentSignInRequest = z.input<typeof agentSignInRequestSchema>;

/** `POST /v1/agents` (the owner, from the Mini App with fresh init data). */
export const agentCreateRequestSchema = z.strictObject(agentGrantFields);
export type AgentCreateRequest = z.input<typeof agentCreateRequestSchema>;

export const agentSignInSchema = z.object({
  request_id: z.string(),
  deep_link: z.string().nullable(),
  expires_at: z.string(),
  /** Shown by the agent and by the Telegram prompt, so the owner approves the right request. */
  confirmation_code: z.string(),
});
export type AgentSignIn = z.infer<typeof agentSignInSchema>;

export const agentTokenRequestSchema = z.strictObject({ request_id: idSchema });

/** An agent key as its owner (and the agent itself) sees it; never the key. */
export const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The identities it may use; null: all of the owner's. */
  identity_ids: z.array(z.string()).nullable(),
  permissions: z.array(z.enum(AGENT_PERMISSIONS)),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  /**
   * How it was made: an agent's sign-in the owner approved in Telegram (its name is the agent's own
   * claim), `/agents new` in the chat or the Mini App (the owner named it), or test mode.
   */
  created_via: z.enum(["agent_signin", "chat", "miniapp", "test"]),
});
export type Agent = z.infer<typeof agentSchema>;
export const agentListSchema = z.object({ items: z.array(agentSchema) });

/** The key itself, shown exactly once. */
export const agentKeyIssuedSchema = z.object({ agent_key: agentKeySchema, agent: agentSchema });
export type AgentKeyIssued = z.infer<typeof agentKeyIssuedSchema>;

/** `POST /v1/auth/agent/token` answers 202 with this while the owner has not decided. */
export const agentTokenPendingSchema = z.object({ status: z.literal("pending"), expires_at: z.string() });

