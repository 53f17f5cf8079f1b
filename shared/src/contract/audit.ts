import { z } from "zod";
import { LIMITS } from "./common.js";

export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.maxAuditPage).default(LIMITS.defaultAuditPage),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const AUDIT_ACTIONS = [
  "user.create",
  "session.create",
  "session.revoke",
  "identity.create",
  "identity.sign",
  "identity.sign_failed",
  "identity.destroy",
  "identity.restore",
  "identity.reseal",
  "signin.approve",
  "signin.deny",
  "intent.create",
  "intent.approve",
  "intent.deny",
  "intent.expire",
  "policy.update",
  "action.request",
  "action.confirm",
  "action.deny",
  "agent.request",
  "agent.approve",
  "agent.deny",
  "agent.create",
  "agent.revoke",
  "agent.refused",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEventSchema = z.object({
  id: z.number(),
  action: z.string(),
  identity_id: z.string().nullable(),
  source: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditPageSchema = z.object({
  items: z.array(auditEventSchema),
  limit: z.number(),
  offset: z.number(),
  count: z.number(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
