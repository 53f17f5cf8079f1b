import { rateLimited } from "./texts.js";

/** A friendly sentence for an error a service threw, by its machine code; null if unknown. */
export function describeServiceError(error: unknown): string | null {
  const code = typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : "";
  switch (code) {
    case "identity_not_active":
      return "That key has been destroyed.";
    case "not_found":
    case "forbidden":
      return "That is not one of yours.";
    case "invalid_psbt":
    case "policy_denied":
      return `That cannot be signed: ${messageOf(error)}`;
    case "limit_reached":
      return "You already have the most keys allowed. Destroy one you no longer need with /destroy first.";
    case "rate_limited":
      return rateLimited;
    case "enclave_unavailable":
    case "enclave_error":
      return "The signer is unavailable right now. Nothing was signed; please try again shortly.";
    default:
      return null;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
