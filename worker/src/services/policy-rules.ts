import type { Payment, Policy, PolicyUpdate, RawDigestRule, TransactionSummary } from "@clw/shared";
import { DEFAULT_POLICY } from "../db/policies.js";

/**
 * The policy a `PUT` asks for. Fields the update leaves out take the default a new key has. A
 * spending rule (daily limit, allowlist, fee cap) cannot cap a raw digest, whose content is
 * unknown: so when the result has one and the update does not itself say `raw_digests: "allow"`,
 * raw digests need the owner's approval.
 */
export function resolvePolicyUpdate(update: PolicyUpdate): Policy {
  const next: Policy = {
    ...DEFAULT_POLICY,
    ...update,
    max_fee_sats: update.max_fee_sats ?? null,
    raw_digests: update.raw_digests ?? DEFAULT_POLICY.raw_digests,
    allow_unsafe_sighash: update.allow_unsafe_sighash ?? false,
  };
  if (update.raw_digests === undefined && hasSpendingRule(next) && next.raw_digests === "allow") next.raw_digests = "approval";
  return next;
}

/** True when the policy limits what leaves the key: a daily limit, an allowlist or a fee cap. */
export function hasSpendingRule(policy: Policy): boolean {
  return policy.daily_limit_sats !== null || policy.allowed_destinations !== null || policy.max_fee_sats !== null;
}

const RAW_ORDER: Record<RawDigestRule, number> = { deny: 0, approval: 1, allow: 2 };
/** A limit in sats where `null` means none: a higher number or none at all is looser. */
const looserLimit = (before: number | null, after: number | null) => before !== null && (after === null || after > before);

/**
 * What `next` loosens compared with `current`, in words (empty when it only tightens or keeps).
 * Loosening needs the owner present; tightening never waits.
 */
export function loosenings(current: Policy, next: Policy): string[] {
  const found: string[] = [];
  if (current.require_approval && !next.require_approval) found.push("approval turned off");
  // The auto-approve amount matters only while approval is on: without it, everything passes.
  if (current.require_approval && next.require_approval && (next.auto_approve_max_sats ?? -1) > (current.auto_approve_max_sats ?? -1)) {
    found.push("a higher auto-approve amount");
  }
  if (looserLimit(current.daily_limit_sats, next.daily_limit_sats)) found.push("a higher or no daily limit");
  if (looserLimit(current.max_fee_sats, next.max_fee_sats)) found.push("a higher or no fee cap");
  if (current.allowed_destinations !== null) {
    const added = next.allowed_destinations?.filter((d) => !current.allowed_destinations!.includes(d)) ?? null;
    if (added === null) found.push("no allowlist: any destination");
    else if (added.length > 0) found.push(`the allowlist gains ${added.length === 1 ? "a destination" : `${added.length} destinations`}: ${added.slice(0, 5).join(", ")}${added.length > 5 ? ", …" : ""}`);
  }
  if (RAW_ORDER[next.raw_digests] > RAW_ORDER[current.raw_digests]) found.push(`raw digests: ${next.raw_digests}`);
  if (!current.allow_unsafe_sighash && next.allow_unsafe_sighash) found.push("unsafe sighash types allowed");
  return found;
}

/** What the policy says about one request, before any ticket exists. */
export type PolicyVerdict =
  | { kind: "deny"; reason: string }
  | { kind: "approval" }
  /** `reserveSats`: the amount to count against the daily limit (null: nothing to record). */
  | { kind: "allow"; reserveSats: number | null };

/**
 * A raw digest: its content cannot be checked, so only `raw_digests` and the owner can let it
 * through. A payment declared beside it is the requester's claim: it can only make things
 * stricter (a destination off the allowlist is refused, its amount counts against the daily
 * limit) and never turns an approval into an automatic one.
 */
export function evaluateDigest(policy: Policy, payment: Payment | undefined, ownerPresent: boolean): PolicyVerdict {
  if (policy.raw_digests === "deny") return { kind: "deny", reason: "this key does not sign raw digests (its policy says deny): send a PSBT, whose outputs can be checked" };
  if (payment && policy.allowed_destinations && !policy.allowed_destinations.includes(payment.destination)) {
    return { kind: "deny", reason: "the declared destination is not on this identity's allowlist" };
  }
  if (!ownerPresent && (policy.require_approval || policy.raw_digests === "approval")) return { kind: "approval" };
  return { kind: "allow", reserveSats: payment?.amount_sats ?? null };
}

/**
 * A decoded transaction: the allowlist applies to every output that is not the key's own, the
 * fee cap to its fee, and the auto-approve amount and the daily limit to what leaves the key.
 */
export function evaluateTransaction(policy: Policy, summary: TransactionSummary, ownerPresent: boolean): PolicyVerdict {
  const allowed = policy.allowed_destinations;
  const stranger = allowed === null ? undefined : summary.outputs.find((o) => !o.mine && (o.address === null || !allowed.includes(o.address)));
  if (stranger) {
    return { kind: "deny", reason: `output ${stranger.index} pays ${stranger.address ?? "a script without an address"}, which is not on this identity's allowlist` };
  }
  if (policy.max_fee_sats !== null && summary.fee_sats > policy.max_fee_sats) {
    return { kind: "deny", reason: `the fee of ${summary.fee_sats} sats is above this identity's fee cap of ${policy.max_fee_sats} sats` };
  }
  const automatic = policy.auto_approve_max_sats !== null && summary.spend_sats <= policy.auto_approve_max_sats;
  if (!ownerPresent && policy.require_approval && !automatic) return { kind: "approval" };
  return { kind: "allow", reserveSats: summary.spend_sats };
}

/** The verdict on a request: on its decoded transaction when it has one, otherwise on a raw digest and its declared payment. */
export function evaluateRequest(policy: Policy, transaction: TransactionSummary | null, payment: Payment | null, ownerPresent: boolean): PolicyVerdict {
  return transaction ? evaluateTransaction(policy, transaction, ownerPresent) : evaluateDigest(policy, payment ?? undefined, ownerPresent);
}
