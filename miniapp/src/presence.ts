import { ClwApiError, type Policy, type RawDigestRule } from "@clw/shared";

/**
 * True when the API refused the owner's Telegram proof itself (init data stale, already used,
 * not genuine, or sent from a session that is not a Mini App session), as opposed to the session
 * ending: the change can still be asked for without the proof, and confirmed in the chat.
 */
export function isInitDataRefusal(error: unknown): boolean {
  if (!(error instanceof ClwApiError)) return false;
  if (error.code === "init_data_used") return true;
  // Stale or forged init data share 401 `unauthorized` with an ended session: the message tells them apart.
  if (error.status === 401) return /init data/i.test(error.message);
  return error.status === 403 && error.code === "approval_required";
}

/** The answer of a change sent with the owner's proof, and the refusal of that proof, if any. */
export interface PresenceResult<T> {
  value: T;
  /** Why the proof did not count (the change was then asked for without it), or null. */
  proofRefused: ClwApiError | null;
}

/**
 * Sends a change that needs the owner with the launch's init data as proof of presence. When the
 * API refuses the proof (stale, used once already, …) the change is sent again without it, so it
 * is asked for in the chat instead (202) or, when it only tightens, made at once.
 * @throws whatever `attempt` throws, except a refusal of the proof.
 */
export async function withPresence<T>(attempt: (initData: string | undefined) => Promise<T>, initData: string | undefined): Promise<PresenceResult<T>> {
  if (!initData) return { value: await attempt(undefined), proofRefused: null };
  try {
    return { value: await attempt(initData), proofRefused: null };
  } catch (error) {
    if (!isInitDataRefusal(error)) throw error;
    return { value: await attempt(undefined), proofRefused: error as ClwApiError };
  }
}

const RAW_ORDER: Record<RawDigestRule, number> = { deny: 0, approval: 1, allow: 2 };
const looserLimit = (before: number | null, after: number | null) => before !== null && (after === null || after > before);

/**
 * True when `next` may loosen `current` (so the owner's proof is worth sending): approval off,
 * a higher auto-approve amount, daily limit or fee cap, a wider allowlist, raw digests more
 * allowed, unsafe sighash types allowed. Only a hint for the page: a change judged tightening
 * is sent without proof, and if the API sees a loosening after all it simply waits for the chat.
 */
export function mightLoosen(current: Policy, next: Policy): boolean {
  if (current.require_approval && !next.require_approval) return true;
  // The auto-approve amount matters only while approval stays on: turning approval on tightens whatever it says.
  if (current.require_approval && next.require_approval && (next.auto_approve_max_sats ?? -1) > (current.auto_approve_max_sats ?? -1)) return true;
  if (looserLimit(current.daily_limit_sats, next.daily_limit_sats) || looserLimit(current.max_fee_sats, next.max_fee_sats)) return true;
  const allowed = current.allowed_destinations;
  if (allowed !== null && (next.allowed_destinations === null || next.allowed_destinations.some((d) => !allowed.includes(d)))) return true;
  if (RAW_ORDER[next.raw_digests] > RAW_ORDER[current.raw_digests]) return true;
  return !current.allow_unsafe_sighash && next.allow_unsafe_sighash;
}

/** Why the owner's Telegram proof did not count, as the end of a sentence. */
export function proofRefusalWords(error: ClwApiError): string {
  if (error.code === "init_data_used") return "this launch of the Mini App has already proven you're here once";
  if (error.code === "approval_required") return "this session was not opened from the Mini App inside Telegram";
  if (/expired|too old|future/i.test(error.message)) return "it is only good for a few minutes after the Mini App opens";
  return "Telegram's signature on it did not check out";
}
