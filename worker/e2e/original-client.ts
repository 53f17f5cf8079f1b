/**
 * The requests the original API's clients send, byte for byte, and the fields they read from each
 * answer: its TypeScript SDK (`ClwApiClient`, used by `RemoteSignerIdentity`) and its `cash` CLI
 * (init, login, refresh). Written from their behaviour for the compatibility suite; nothing here
 * uses this repository's typed client.
 */

/** What the original SDK throws for an error answer: the status and the `error` message. */
export class OriginalApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

async function handle<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) {
    let message = "API error";
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      message = text;
    }
    throw new OriginalApiError(res.status, message);
  }
  return JSON.parse(text) as T;
}

const json = { "content-type": "application/json" };
const bearer = (token: string) => ({ ...json, authorization: `Bearer ${token}` });

/** The SDK's `ClwApiClient`, bound to one identity and session token. */
export class OriginalSdk {
  constructor(
    private readonly baseUrl: string,
    private readonly identityId: string,
    private readonly sessionToken: string,
  ) {}

  static async createIdentity(baseUrl: string, sessionToken: string) {
    const res = await fetch(`${baseUrl}/v1/identities`, { method: "POST", headers: bearer(sessionToken), body: JSON.stringify({ alg: "secp256k1" }) });
    return handle<{ id: string; user_id: string; alg: "secp256k1"; public_key: string; status: "active"; created_at: string }>(res);
  }

  static async listIdentities(baseUrl: string, sessionToken: string) {
    const res = await fetch(`${baseUrl}/v1/identities`, { headers: { authorization: `Bearer ${sessionToken}` } });
    return handle<{ items: Array<{ id: string; public_key: string }> }>(res);
  }

  async signDigest(digestHex: string): Promise<string> {
    const intent = await handle<{ id: string; identity_id: string; digest_hash: string; nonce: string; scope: "sign"; expires_at: string; ticket: string }>(
      await this.post(`/v1/identities/${this.identityId}/sign-intent`, { digest: digestHex }),
    );
    const signed = await handle<{ signature: string }>(await this.post(`/v1/identities/${this.identityId}/sign`, { digest: digestHex, ticket: intent.ticket }));
    return signed.signature;
  }

  async signDigestBatch(digests: Array<{ digest: string }>): Promise<string[]> {
    const res = await this.post(`/v1/identities/${this.identityId}/sign-batch`, { digests: digests.map((d) => ({ digest: d.digest })) });
    return (await handle<{ signatures: string[] }>(res)).signatures;
  }

  private post(path: string, body: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { method: "POST", headers: bearer(this.sessionToken), body: JSON.stringify(body) });
  }
}

/** The CLI's challenge: `{}` from `login` and `init`, `{"telegram_user_id":"test_user"}` when it refreshes a session. */
export async function cliChallenge(baseUrl: string, body: Record<string, unknown>) {
  const res = await fetch(`${baseUrl}/v1/auth/challenge`, { method: "POST", headers: json, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`Challenge request failed: ${await res.text()}`);
  return (await res.json()) as { challenge_id: string; expires_at: string; deep_link: string | null };
}

export type CliSession = { token: string; expires_in: number; user: { id: string; telegram_user_id: string; status: string } };

/** One poll of the CLI's verify loop: 202 means "keep polling" (checked before `ok`, as the CLI does). */
export async function cliVerifyOnce(baseUrl: string, challengeId: string): Promise<CliSession | "pending"> {
  const res = await fetch(`${baseUrl}/v1/auth/verify`, { method: "POST", headers: json, body: JSON.stringify({ challenge_id: challengeId }) });
  if (res.status === 202) return "pending";
  if (!res.ok) throw new Error(`verify failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as CliSession;
}

/** The CLI's restore after login: it sends the public key it remembers. */
export function cliRestore(baseUrl: string, token: string, identityId: string, publicKey: string): Promise<Response> {
  return fetch(`${baseUrl}/v1/identities/${identityId}/restore`, { method: "POST", headers: bearer(token), body: JSON.stringify({ public_key: publicKey }) });
}

/** The CLI's `init` clean-up of an identity it cannot use: a DELETE with only the bearer token. */
export function cliDestroy(baseUrl: string, token: string, identityId: string): Promise<Response> {
  return fetch(`${baseUrl}/v1/identities/${identityId}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
}
