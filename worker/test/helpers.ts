import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { digestHash, type Identity, type SignIntent } from "@clw/shared";
import { SignJWT } from "jose";
import type { Env } from "../src/env.js";

export interface CallOptions {
  body?: unknown;
  /** Raw body text, sent as is. */
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
  /** Where the request goes (default: a loopback origin, as in local development). */
  origin?: string;
  /** Overrides for the Worker's env (a fresh configuration for this request). */
  env?: Partial<Env>;
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the Worker in workerd, as a client would over HTTP. */
export async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const request = new Request(`${options.origin ?? "http://127.0.0.1:8787"}${path}`, { method, headers, body });
  const res = options.env
    ? await callWithEnv(request, options.env)
    : await exports.default.fetch(request);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Calls the Worker with a changed env; work it defers (`waitUntil`) is finished before answering. */
async function callWithEnv(request: Request, overrides: Partial<Env>): Promise<Response> {
  const { default: worker } = await import("../src/index.js");
  const deferred: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void deferred.push(p), passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
  const response = (await worker.fetch(request as any, { ...env, ...overrides } as Env, ctx)) as Response;
  await Promise.allSettled(deferred);
  return response;
}

let nextTelegramId = Math.floor(Math.random() * 1e9) + 1e6;

/** A fresh Telegram user id, so tests never share users. */
export const freshTelegramId = () => nextTelegramId++;

/** Signs in through test mode and returns the session token and user. */
export async function signIn(telegramUserId = freshTelegramId()) {
  const challenge = await call("POST", "/v1/auth/challenge", { body: { telegram_user_id: telegramUserId } });
  if (challenge.status !== 201) throw new Error(`challenge failed: ${JSON.stringify(challenge.body)}`);
  const verified = await call("POST", "/v1/auth/verify", { body: { challenge_id: challenge.body.challenge_id } });
  if (verified.status !== 200) throw new Error(`verify failed: ${JSON.stringify(verified.body)}`);
  return { token: verified.body.token as string, user: verified.body.user as { id: string; telegram_user_id: string } };
}

export async function createIdentity(token: string): Promise<Identity> {
  const res = await call<Identity>("POST", "/v1/identities", { token });
  if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function signIntent(token: string, identityId: string, digest: string): Promise<SignIntent> {
  const res = await call<SignIntent>("POST", `/v1/identities/${identityId}/sign-intent`, { token, body: { digest } });
  if (res.status !== 201) throw new Error(`sign-intent failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

export function randomDigest(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Calls the enclave's internal API directly (as the Worker does), e.g. to drop a key. */
export async function enclave(path: string, body: unknown): Promise<Response> {
  return fetch(`${env.ENCLAVE_BASE_URL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-internal-api-key": env.INTERNAL_API_KEY! },
    body: JSON.stringify(body),
  });
}

/** Env overrides that send the Worker's signer calls to the second signer of the test run. */
export const spareSigner = (): Partial<Env> => ({ ENCLAVE_BASE_URL: env.TEST_SPARE_ENCLAVE_URL });

/**
 * Creates an identity whose key the signer has never held, as after a signer restart: the key is
 * made in the second signer (same secrets), and for the first it exists only as the sealed backup
 * in D1, from which it must be restored.
 */
export async function createIdentityOnlyInBackup(token: string): Promise<Identity> {
  const res = await call<Identity>("POST", "/v1/identities", { token, env: spareSigner() });
  if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Whether the signer holds the identity's key: it is asked to sign a random digest with a valid
 * ticket for the owner (`key_not_found` means it holds none). Keys are never exported, so this
 * is the way to ask.
 */
export async function signerHoldsKey(identityId: string, userId: string): Promise<boolean> {
  const digest = randomDigest();
  const ticket = await new SignJWT({ iid: identityId, dgh: digestHash(digest), scope: "sign", jti: crypto.randomUUID().replaceAll("-", "") })
    .setProtectedHeader({ alg: "HS256", typ: "ticket+jwt" })
    .setIssuer("clw-cash").setAudience("clw-cash:ticket").setSubject(userId)
    .setIssuedAt().setExpirationTime("60s")
    .sign(new TextEncoder().encode(env.TICKET_SIGNING_SECRET!));
  const res = await enclave("/v1/keys/sign", { identity_id: identityId, digest, ticket });
  const body = (await res.json()) as { code?: string };
  if (res.status === 404 && body.code === "key_not_found") return false;
  if (res.status === 200) return true;
  throw new Error(`the signer answered ${res.status} ${JSON.stringify(body)}`);
}
