import type { Policy } from "@clw/shared";
import type { Db } from "./client.js";
import type { IdentityPoliciesTable } from "./schema.js";

/** The policy of a new identity: the runbook's behaviour, no approval, no limits, raw digests sign. */
export const DEFAULT_POLICY: Policy = {
  require_approval: false,
  auto_approve_max_sats: null,
  daily_limit_sats: null,
  allowed_destinations: null,
  max_fee_sats: null,
  raw_digests: "allow",
  allow_unsafe_sighash: false,
};

/** The policy columns, as selected beside other rows. */
export const POLICY_COLUMNS = [
  "require_approval",
  "auto_approve_max_sats",
  "daily_limit_sats",
  "allowed_destinations",
  "max_fee_sats",
  "raw_digests",
  "allow_unsafe_sighash",
] as const;

type PolicyColumns = Pick<IdentityPoliciesTable, (typeof POLICY_COLUMNS)[number]>;

/** Maps policy columns (all null when the identity has no row) to a policy. */
export function toPolicy(row: { [K in keyof PolicyColumns]: PolicyColumns[K] | null } | undefined): Policy {
  if (!row || row.require_approval === null) return DEFAULT_POLICY;
  return {
    require_approval: row.require_approval === 1,
    auto_approve_max_sats: row.auto_approve_max_sats,
    daily_limit_sats: row.daily_limit_sats,
    allowed_destinations: row.allowed_destinations === null ? null : (JSON.parse(row.allowed_destinations) as string[]),
    max_fee_sats: row.max_fee_sats,
    raw_digests: row.raw_digests ?? "allow",
    allow_unsafe_sighash: row.allow_unsafe_sighash === 1,
  };
}

export async function findPolicy(db: Db, identityId: string): Promise<Policy> {
  return toPolicy(await db.selectFrom("identity_policies").selectAll().where("identity_id", "=", identityId).executeTakeFirst());
}

/** The policy row of the key a sign intent belongs to (none when it has the default policy). */
export function policyOfIntentQuery(db: Db, intentId: string) {
  return db
    .selectFrom("identity_policies")
    .selectAll()
    .where("identity_id", "=", (eb) => eb.selectFrom("sign_intents").select("identity_id").where("id", "=", intentId));
}

export function upsertPolicyQuery(db: Db, identityId: string, policy: Policy, at: string) {
  const row = {
    require_approval: policy.require_approval ? 1 : 0,
    auto_approve_max_sats: policy.auto_approve_max_sats,
    daily_limit_sats: policy.daily_limit_sats,
    allowed_destinations: policy.allowed_destinations === null ? null : JSON.stringify(policy.allowed_destinations),
    max_fee_sats: policy.max_fee_sats,
    raw_digests: policy.raw_digests,
    allow_unsafe_sighash: policy.allow_unsafe_sighash ? 1 : 0,
    updated_at: at,
  };
  return db
    .insertInto("identity_policies")
    .values({ identity_id: identityId, ...row })
    .onConflict((oc) => oc.column("identity_id").doUpdateSet(row));
}
