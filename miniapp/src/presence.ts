import { ClwApiError } from "@clw/shared";

/**
 * True when the API refused the owner's Telegram proof itself (init data stale, already used,
 * not genuine, or sent from a session that is not a Mini App session), as opposed to the session
 * ending: the change can still be asked for without the proof, and confirmed in the chat.
 */
export function isInitDataRefusal(error: unknown): boolean {
  if (!(error instanceof ClwApiError)) return false;
  if (error.code === "init_data_used" || error.code === "init_data_expired" || error.code === "init_data_invalid") return true;
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

/** Why the owner's Telegram proof did not count, as the end of a sentence. */
export function proofRefusalWords(error: ClwApiError): string {
  if (error.code === "init_data_used") return "this launch of the Mini App has already proven you're here once";
  if (error.code === "approval_required") return "this session was not opened from the Mini App inside Telegram";
  if (error.code === "init_data_expired") return "it is only good for a few minutes after the Mini App opens";
  return "Telegram's signature on it did not check out";
}
