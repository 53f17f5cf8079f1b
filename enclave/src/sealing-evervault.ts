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

/** POSTs `{ payload: value }`; returns the status and, on 2xx, the transformed payload. */
async function callCryptoApi(doFetch: typeof fetch, url: string, value: string, timeoutMs: number) {
  let res: Response;
  try {
    res = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ payload: value }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new SealingBackendError(`evervault crypto API unreachable: ${(err as Error).message}`);
  }
  if (!res.ok) return { status: res.status, value: undefined as unknown };
  const json = (await res.json().catch(() => null)) as { payload?: unknown } | null;
  return { status: res.status, value: json?.payload };
}

/**
 * The evervault sealer: the key and its identity/owner binding are encrypted as one JSON
 * string with the Evervault Enclave's own encryption API. Format `v1.evervault.<ev:...>`.
 * Never falls back to local sealing.
 */
export function createEvervaultSealer(options: EvervaultSealerOptions): Sealer {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const call = (path: CryptoPath, value: string) =>
    callCryptoApi(options.fetch ?? fetch, `${baseUrl}${path}`, value, options.timeoutMs ?? 5_000);
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
