import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";
import { digestHash, normalizeDigest, SESSION_AUDIENCE, SESSION_TYP, TICKET_AUDIENCE, TICKET_TYP, TOKEN_ISSUER } from "@clw/shared";
import { createEnclaveServer, type EnclaveDeps } from "../src/app.js";
import { createLocalSealer, type Sealer } from "../src/sealing.js";

export const API_KEY = "test-internal-api-key-0123456789";
export const TICKET_SECRET = "test-ticket-signing-secret-0123456789";

export const randomHex = (bytes: number) => randomBytes(bytes).toString("hex");
export const newId = () => randomUUID();

export interface TestEnclave {
  url: string;
  sealer: Sealer;
  /** POSTs JSON with the internal API key unless `headers` overrides it. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** Starts the real enclave server on a loopback port; close() stops it and its connections. */
export async function startEnclave(overrides: Partial<EnclaveDeps> = {}): Promise<TestEnclave> {
  const sealer = overrides.sealer ?? createLocalSealer(randomHex(32));
  const server = createEnclaveServer({
    internalApiKey: API_KEY,
    ticketSigningSecret: TICKET_SECRET,
    logError: () => {},
    ...overrides,
    sealer,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sealer,
    async post(path, body, headers = { "x-internal-api-key": API_KEY }) {
      const res = await fetch(url + path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json() };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TicketOptions {
  sub: string;
  iid: string;
  digest: string;
  jti?: string;
  secret?: string;
  expiresIn?: number;
  typ?: string;
  audience?: string;
  scope?: string;
  /** The ticket's kind claim; omitted (a digest ticket) unless given. */
  knd?: string;
  /** The bound hash as is (e.g. a batch's `batchHash`), instead of the digest's hash. */
  dgh?: string;
  /** The identity's policy lets this PSBT use sighash types other than DEFAULT/ALL. */
  uns?: boolean;
}

/** Mints a signing ticket the way the API does (HS256, ticket+jwt). */
export async function mintTicket(o: TicketOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iid: o.iid, dgh: o.dgh ?? digestHash(normalizeDigest(o.digest) ?? o.digest), scope: o.scope ?? "sign", ...(o.knd ? { knd: o.knd } : {}), ...(o.uns ? { uns: true } : {}) };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: o.typ ?? TICKET_TYP })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(o.audience ?? TICKET_AUDIENCE)
    .setSubject(o.sub)
    .setJti(o.jti ?? randomHex(16))
    .setIssuedAt(now - 5)
    .setExpirationTime(now + (o.expiresIn ?? 120))
    .sign(new TextEncoder().encode(o.secret ?? TICKET_SECRET));
}

/** A session token (wrong type for signing), as the API issues them. */
export async function mintSessionToken(sub: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: SESSION_TYP })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setSubject(sub)
    .setJti(randomHex(16))
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(new TextEncoder().encode(TICKET_SECRET));
}

/** Generates a key for a fresh identity and returns its ids and public key. */
export async function generateKey(enclave: TestEnclave, userId = newId()) {
  const identityId = newId();
  const res = await enclave.post("/v1/keys/generate", { identity_id: identityId, user_id: userId });
  if (res.status !== 201) throw new Error(`generate failed: ${JSON.stringify(res.json)}`);
  return { identityId, userId, publicKey: res.json.public_key as string, sealedKey: res.json.sealed_key as string };
}

/** Signs one digest with a fresh ticket for the identity's owner. */
export async function signOnce(enclave: TestEnclave, k: { identityId: string; userId: string }, digest = randomHex(32)) {
  const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest });
  return enclave.post("/v1/keys/sign", { identity_id: k.identityId, digest, ticket });
}

/** GET /health with the internal key, which also shows the sealing mode and the key count. */
export async function getHealth(url: string): Promise<any> {
  return (await fetch(`${url}/health`, { headers: { "x-internal-api-key": API_KEY } })).json();
}
