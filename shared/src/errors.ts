/** Every machine-readable error code the API and the signer answer with. */
export const ERROR_CODES = [
  "bad_request",
  "invalid_json",
  "payload_too_large",
  "invalid_digest",
  "invalid_psbt",
  "invalid_id",
  "unauthorized",
  "invalid_ticket",
  "ticket_mismatch",
  "ticket_expired",
  "ticket_replayed",
  "forbidden",
  "not_found",
  "challenge_pending",
  "challenge_denied",
  "identity_not_active",
  "key_not_found",
  "key_exists",
  "key_conflict",
  "sealed_key_invalid",
  "rate_limited",
  "policy_denied",
  "approval_required",
  "limit_reached",
  "init_data_used",
  "init_data_invalid",
  "init_data_expired",
  "idempotency_mismatch",
  "idempotency_in_progress",
  "intent_expired",
  "intent_decided",
  "test_auth_disabled",
  "enclave_unavailable",
  "enclave_error",
  "misconfigured",
  "internal_error",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The JSON body of every error response. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
}
