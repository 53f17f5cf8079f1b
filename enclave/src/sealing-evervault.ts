import { SealedKeyInvalidError, SealingBackendError } from "./errors.js";
import { isValidPrivateKey } from "./keys.js";
import { addSealPrefix, stripSealPrefix, type SealBinding, type Sealer } from "./sealing.js";

/** Evervault Enclaves serve their encryption API on this loopback address inside the enclave. */
export const DEFAULT_EV_ENCLAVE_CRYPTO_URL = "http://127.0.0.1:9999";

export interface EvervaultSealerOptions {
  /** Base URL of the in-enclave crypto API (`POST /encrypt`, `POST /decrypt`). */
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface SealedPayload {
  v: 1;
  identity_id: string;
  user_id: string;
  key: string;
}

type CryptoPath = "/encrypt" | "/decrypt";

/**
 * POSTs `body` as JSON to the in-enclave crypto API; returns the status and, on 2xx, the parsed
 * answer (`undefined` otherwise, or when the answer is not JSON).
 * @throws SealingBackendError when the API cannot be reached or does not answer in time.
 */
export async function postCryptoApi(options: EvervaultSealerOptions, path: CryptoPath, body: unknown) {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(`${options.baseUrl.replace(/\/+$/, "")}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
  } catch (err) {
    throw new SealingBackendError(`evervault crypto API unreachable: ${(err as Error).message}`);
  }
  if (!res.ok) return { status: res.status, json: undefined as unknown };
  return { status: res.status, json: (await res.json().catch(() => undefined)) as unknown };
}

/**
 * The evervault sealer: the key and its identity/owner binding are encrypted as one JSON
 * string with the Evervault Enclave's own encryption API. Format `v1.evervault.<ev:...>`.
 * Never falls back to local sealing.
 */
export function createEvervaultSealer(options: EvervaultSealerOptions): Sealer {
  // The current format wraps the value as `{ payload }`; Evervault encrypts every string in it.
  const call = async (path: CryptoPath, value: string) => {
    const out = await postCryptoApi(options, path, { payload: value });
    return { status: out.status, value: (out.json as { payload?: unknown } | undefined)?.payload };
  };
  return {
    mode: "evervault",
    async seal(privateKey, binding) {
      const payload: SealedPayload = {
        v: 1,
        identity_id: binding.identityId,
        user_id: binding.userId,
        key: Buffer.from(privateKey).toString("hex"),
      };
      const out = await call("/encrypt", JSON.stringify(payload));
      if (typeof out.value !== "string" || !out.value.startsWith("ev:")) {
        throw new SealingBackendError(`evervault encrypt failed (status ${out.status})`);
      }
      return addSealPrefix(out.value, "evervault");
    },
    async open(sealed, binding) {
      const ciphertext = stripSealPrefix(sealed, "evervault");
      if (!ciphertext.startsWith("ev:")) throw new SealedKeyInvalidError("sealed key is malformed");
      const out = await call("/decrypt", ciphertext);
      if (out.status >= 500) throw new SealingBackendError(`evervault decrypt failed (status ${out.status})`);
      if (typeof out.value !== "string") throw new SealedKeyInvalidError();
      return parsePayload(out.value, binding);
    },
  };
}

function parsePayload(plaintext: string, binding: SealBinding): Uint8Array {
  let payload: Partial<SealedPayload>;
  try {
    payload = JSON.parse(plaintext) as Partial<SealedPayload>;
  } catch {
    throw new SealedKeyInvalidError();
  }
  if (payload.v !== 1 || payload.identity_id !== binding.identityId || payload.user_id !== binding.userId) {
    throw new SealedKeyInvalidError();
  }
  if (typeof payload.key !== "string" || !/^[0-9a-f]{64}$/.test(payload.key)) throw new SealedKeyInvalidError();
  const privateKey = new Uint8Array(Buffer.from(payload.key, "hex"));
  if (!isValidPrivateKey(privateKey)) throw new SealedKeyInvalidError("sealed key holds an invalid key");
  return privateKey;
}
