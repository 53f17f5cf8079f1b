import { LIMITS, MAX_SATS, parseBitcoinAddress, type Policy, type RawDigestRule } from "@clw/shared";

/** The policy screen's fields as typed: amounts are text until saved. */
export interface PolicyForm {
  requireApproval: boolean;
  autoApproveMax: string;
  dailyLimit: string;
  /** Empty means any destination (no allowlist). */
  destinations: string[];
  maxFee: string;
  rawDigests: RawDigestRule;
  allowUnsafeSighash: boolean;
}

export type PolicyFormErrors = Partial<Record<"autoApproveMax" | "dailyLimit" | "maxFee" | "destinations", string>>;

export function policyToForm(policy: Policy): PolicyForm {
  return {
    requireApproval: policy.require_approval,
    autoApproveMax: policy.auto_approve_max_sats === null ? "" : String(policy.auto_approve_max_sats),
    dailyLimit: policy.daily_limit_sats === null ? "" : String(policy.daily_limit_sats),
    destinations: policy.allowed_destinations ?? [],
    maxFee: policy.max_fee_sats === null ? "" : String(policy.max_fee_sats),
    rawDigests: policy.raw_digests,
    allowUnsafeSighash: policy.allow_unsafe_sighash,
  };
}

/**
 * An amount field: empty means "none" (null); digits with optional `,`, `_` or spaces as
 * thousands separators mean that many sats. Anything else is an error sentence.
 */
export function parseSatsField(text: string): { ok: true; value: number | null } | { ok: false; error: string } {
  const compact = text.replace(/[\s,_]/g, "");
  if (compact === "") return { ok: true, value: null };
  if (!/^\d+$/.test(compact)) return { ok: false, error: "Enter a whole number of sats, or leave it empty." };
  const value = Number(compact);
  if (!Number.isSafeInteger(value) || value > MAX_SATS) return { ok: false, error: "That is more than there will ever be bitcoin." };
  return { ok: true, value };
}

/** The form as a policy to PUT, or what to fix, field by field. */
export function formToPolicy(form: PolicyForm): { ok: true; policy: Policy } | { ok: false; errors: PolicyFormErrors } {
  const errors: PolicyFormErrors = {};
  const auto = parseSatsField(form.autoApproveMax);
  const daily = parseSatsField(form.dailyLimit);
  const fee = parseSatsField(form.maxFee);
  if (!auto.ok) errors.autoApproveMax = auto.error;
  if (!daily.ok) errors.dailyLimit = daily.error;
  if (!fee.ok) errors.maxFee = fee.error;
  if (form.destinations.length > LIMITS.maxDestinations) errors.destinations = `At most ${LIMITS.maxDestinations} destinations.`;
  const bad = form.destinations.find((address) => parseBitcoinAddress(address) === null);
  if (bad) errors.destinations = `${bad} is not a valid Bitcoin address.`;
  if (!auto.ok || !daily.ok || !fee.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    policy: {
      require_approval: form.requireApproval,
      auto_approve_max_sats: auto.value,
      daily_limit_sats: daily.value,
      allowed_destinations: form.destinations.length > 0 ? form.destinations : null,
      max_fee_sats: fee.value,
      raw_digests: form.rawDigests,
      allow_unsafe_sighash: form.allowUnsafeSighash,
    },
  };
}

/** Checks an address before it joins the allowlist: valid, new, and within the list's size. */
export function checkDestination(input: string, existing: readonly string[]): { ok: true; address: string } | { ok: false; error: string } {
  const address = input.trim();
  if (address === "") return { ok: false, error: "Paste a Bitcoin address first." };
  if (parseBitcoinAddress(address) === null) return { ok: false, error: "That is not a valid Bitcoin address (check for a typo or a missing character)." };
  if (existing.some((known) => known.toLowerCase() === address.toLowerCase())) return { ok: false, error: "That address is already on the list." };
  if (existing.length >= LIMITS.maxDestinations) return { ok: false, error: `The list holds at most ${LIMITS.maxDestinations} addresses.` };
  return { ok: true, address };
}

/** True when the form limits what leaves the key: a daily limit, a fee cap or an allowlist. */
export function formHasSpendingRule(form: PolicyForm): boolean {
  return form.dailyLimit.trim() !== "" || form.maxFee.trim() !== "" || form.destinations.length > 0;
}

/**
 * The API's rule for raw digests, applied while the owner edits: a limit cannot cap a raw digest
 * (its content is unknown), so when an edit adds the first spending rule and raw digests are
 * allowed without asking, they switch to needing approval, unless the owner chose the raw-digest
 * rule themselves in this edit. Returns `after`, adjusted, and whether it was.
 */
export function withRawDigestRule(before: PolicyForm, after: PolicyForm, ownerChose: boolean): { form: PolicyForm; switched: boolean } {
  if (ownerChose || after.rawDigests !== "allow" || formHasSpendingRule(before) || !formHasSpendingRule(after)) return { form: after, switched: false };
  return { form: { ...after, rawDigests: "approval" }, switched: true };
}
