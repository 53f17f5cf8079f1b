import type { BitcoinNetwork, ErrorCode } from "@clw/shared";
import { AppError } from "./errors.js";

/** An error answered by (or on the way to) the enclave signer. */
export class SignerError extends AppError {
  override readonly name = "SignerError";
}

export interface SignerClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Evervault API key, sent as `api-key` when the enclave requires API-key auth. */
  evApiKey?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface GeneratedKey {
  identity_id: string;
  public_key: string;
  sealed_key: string;
}

/** The signer's answer to an import; `resealed_key` only for a backup in a legacy format. */
export interface ImportedKey {
  identity_id: string;
  public_key: string;
  imported: boolean;
  /** The same key sealed in the current format, bound to the identity and owner. */
  resealed_key?: string;
}

/** Ticket errors the enclave answers, passed through to the client with the same status. */
const PASS_THROUGH = new Set<ErrorCode>(["invalid_ticket", "ticket_mismatch", "ticket_expired", "ticket_replayed", "key_not_found", "key_exists", "key_conflict", "sealed_key_invalid", "invalid_psbt"]);

/**
 * The typed client of the enclave's internal API. Every call carries the internal API key
 * and gives up after `timeoutMs`.
 * @throws SignerError: 503 `enclave_unavailable` when unreachable or too slow, 502
 * `enclave_error` for an unexpected answer, and the enclave's own 4xx ticket/key errors.
 */
export function createSignerClient(options: SignerClientOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-internal-api-key": options.apiKey,
  };
  if (options.evApiKey) headers["api-key"] = options.evApiKey;

  async function post<T>(path: string, body: unknown): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(`${options.baseUrl}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      throw new SignerError(503, "enclave_unavailable", "the signer is unavailable; try again shortly");
    }
    const json = (await res.json().catch(() => null)) as (T & { code?: ErrorCode; error?: string }) | null;
    if (res.ok && json) return json;
    const code = json?.code;
    if (code && PASS_THROUGH.has(code) && res.status < 500) {
      throw new SignerError(res.status as 400, code, json?.error ?? code);
    }
    throw new SignerError(502, "enclave_error", `the signer answered ${res.status}`);
  }

  return {
    generate: (identityId: string, userId: string) =>
      post<GeneratedKey>("/v1/keys/generate", { identity_id: identityId, user_id: userId }),
    sign: async (identityId: string, digest: string, ticket: string) =>
      (await post<{ signature: string }>("/v1/keys/sign", { identity_id: identityId, digest, ticket })).signature,
    signBatch: async (identityId: string, digests: string[], ticket: string) =>
      (await post<{ signatures: string[] }>("/v1/keys/sign-batch", { identity_id: identityId, digests, ticket })).signatures,
    signPsbt: (identityId: string, psbt: string, ticket: string, network: BitcoinNetwork) =>
      post<{ psbt: string; signed_inputs: number[] }>("/v1/keys/sign-psbt", { identity_id: identityId, psbt, ticket, network }),
    destroy: (identityId: string) => post<{ ok: true; existed: boolean }>("/v1/keys/destroy", { identity_id: identityId }),
    /** `publicKey` is the identity's as D1 knows it: the signer refuses a backup holding another key (409). */
    importKey: (identityId: string, userId: string, sealedKey: string, publicKey: string) =>
      post<ImportedKey>("/v1/keys/import", {
        identity_id: identityId,
        user_id: userId,
        sealed_key: sealedKey,
        public_key: publicKey,
      }),
  };
}

export type SignerClient = ReturnType<typeof createSignerClient>;
