import type { ErrorCode } from "@clw/shared";

/** An error the routes answer as `{ error: message, code }` with `status`. */
export class EnclaveError extends Error {
  override name = "EnclaveError";
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The ticket is not a valid signing ticket (signature, type, audience, claims). */
export class TicketInvalidError extends EnclaveError {
  override name = "TicketInvalidError";
  constructor(message = "invalid ticket") {
    super(401, "invalid_ticket", message);
  }
}

/** The ticket was valid but has expired. */
export class TicketExpiredError extends EnclaveError {
  override name = "TicketExpiredError";
  constructor() {
    super(410, "ticket_expired", "ticket expired");
  }
}

/** The ticket is bound to another identity, digest or owner. */
export class TicketMismatchError extends EnclaveError {
  override name = "TicketMismatchError";
  constructor(what: string) {
    super(403, "ticket_mismatch", `ticket does not match the ${what}`);
  }
}

/** The ticket's nonce (jti) has already been used. */
export class TicketReplayError extends EnclaveError {
  override name = "TicketReplayError";
  constructor() {
    super(409, "ticket_replayed", "ticket already used");
  }
}

/** No key is held for the identity. */
export class KeyNotFoundError extends EnclaveError {
  override name = "KeyNotFoundError";
  constructor() {
    super(404, "key_not_found", "no key held for this identity");
  }
}

/** A key is already held for the identity (generate). */
export class KeyExistsError extends EnclaveError {
  override name = "KeyExistsError";
  constructor() {
    super(409, "key_exists", "a key already exists for this identity");
  }
}

/** A different key is already held for the identity, or the backup holds another key than expected (import). */
export class KeyConflictError extends EnclaveError {
  override name = "KeyConflictError";
  constructor(message = "a different key is held for this identity") {
    super(409, "key_conflict", message);
  }
}

/** A sealed key does not open under this sealing mode/key or for this identity/owner. */
export class SealedKeyInvalidError extends EnclaveError {
  override name = "SealedKeyInvalidError";
  constructor(message = "sealed key does not open for this identity") {
    super(400, "sealed_key_invalid", message);
  }
}

/** The sealing backend (Evervault's in-enclave crypto API) failed or is unreachable. */
export class SealingBackendError extends EnclaveError {
  override name = "SealingBackendError";
  constructor(message: string) {
    super(502, "enclave_error", message);
  }
}

/** The identity was destroyed: its key is never held again (generate or import). */
export class IdentityDestroyedError extends EnclaveError {
  override name = "IdentityDestroyedError";
  constructor() {
    super(409, "identity_not_active", "this identity was destroyed; its key never comes back");
  }
}
