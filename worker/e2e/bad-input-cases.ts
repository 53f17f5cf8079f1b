import { randomUUID } from "node:crypto";
import { randomDigest } from "./support.js";

/** One hostile request and the answer the contract requires (any 4xx when status is absent). */
export interface BadCase {
  name: string;
  method: string;
  path: string;
  token?: string;
  body?: unknown;
  status?: number;
  code?: string;
}

/** What the sweep needs: two users, an identity of each and an unused ticket of the first. */
export interface Fixture {
  tokenA: string;
  tokenB: string;
  identityA: string;
  ticketA: string;
  digestA: string;
}

const ONE_MB = "x".repeat(1024 * 1024);
const MALFORMED = '{"digest": "ab';
const BAD_DIGESTS = { "non-hex": "zz".repeat(32), "31-byte": "ab".repeat(31), "33-byte": "ab".repeat(33), empty: "", number: 42 };

/** Every route that takes a JSON body, with the token it needs. */
function bodyRoutes(f: Fixture) {
  const id = `/v1/identities/${f.identityA}`;
  return [
    { method: "POST", path: "/v1/auth/challenge" },
    { method: "POST", path: "/v1/auth/verify" },
    { method: "POST", path: "/v1/identities", token: f.tokenA },
    { method: "POST", path: `${id}/sign-intent`, token: f.tokenA, required: true },
    { method: "POST", path: `${id}/sign`, token: f.tokenA, required: true },
    { method: "POST", path: `${id}/sign-batch`, token: f.tokenA, required: true },
    { method: "POST", path: `${id}/restore`, token: f.tokenA },
  ];
}

/** Malformed JSON, empty and oversize bodies, and non-object bodies on every body route. */
export function bodyCases(f: Fixture): BadCase[] {
  return bodyRoutes(f).flatMap((r) => [
    { ...r, name: `${r.path} malformed JSON`, body: MALFORMED, status: 400 },
    { ...r, name: `${r.path} 1 MB body`, body: JSON.stringify({ digest: ONE_MB }), status: 413, code: "payload_too_large" },
    { ...r, name: `${r.path} JSON array`, body: "[]", status: 400 },
    { ...r, name: `${r.path} JSON string`, body: '"hello"', status: 400 },
    ...(r.path.startsWith("/v1/auth/verify") || "required" in r ? [{ ...r, name: `${r.path} empty body`, body: "", status: 400 }] : []),
  ]);
}

/** Wrong types, unknown fields and out-of-range values. */
export function typeCases(f: Fixture): BadCase[] {
  const id = `/v1/identities/${f.identityA}`;
  const a = { method: "POST", token: f.tokenA, status: 400 };
  return [
    { method: "POST", path: "/v1/auth/challenge", name: "telegram_user_id empty string", body: { telegram_user_id: "" }, status: 400 },
    { method: "POST", path: "/v1/auth/challenge", name: "telegram_user_id of 65 characters", body: { telegram_user_id: "u".repeat(65) }, status: 400 },
    { method: "POST", path: "/v1/auth/challenge", name: "telegram_user_id with a space", body: { telegram_user_id: "test user" }, status: 400 },
    { method: "POST", path: "/v1/auth/challenge", name: "telegram_user_id negative", body: { telegram_user_id: -5 }, status: 400 },
    { method: "POST", path: "/v1/auth/challenge", name: "telegram_user_id fractional", body: { telegram_user_id: 1.5 }, status: 400 },
    { method: "POST", path: "/v1/auth/verify", name: "challenge_id number", body: { challenge_id: 7 }, status: 400 },
    { method: "POST", path: "/v1/auth/verify", name: "challenge_id not a UUID", body: { challenge_id: "abc" }, status: 400 },
    { method: "POST", path: "/v1/auth/verify", name: "challenge_id unknown", body: { challenge_id: randomUUID() }, status: 404 },
    { ...a, path: `${id}/sign-intent`, name: "unknown field", body: { digest: randomDigest(), extra: 1 } },
    { ...a, path: `${id}/sign`, name: "ticket number", body: { digest: f.digestA, ticket: 5 } },
    { ...a, path: `${id}/sign`, name: "ticket missing", body: { digest: f.digestA } },
    { ...a, path: `${id}/sign-batch`, name: "digests string", body: { digests: "x" } },
    { ...a, path: `${id}/sign-batch`, name: "digests empty", body: { digests: [] } },
    { ...a, path: `${id}/sign-batch`, name: "digests 101", body: { digests: Array.from({ length: 101 }, () => ({ digest: randomDigest() })) } },
    { ...a, path: `${id}/sign-batch`, name: "digests bare strings", body: { digests: [randomDigest()] } },
    ...["limit=abc", "limit=0", "limit=1000", "offset=-1"].map((q) => ({ method: "GET", path: `/v1/audit?${q}`, token: f.tokenA, name: `audit ${q}`, status: 400 })),
  ];
}

/** Non-hex and wrong-length digests on every digest-taking route. */
export function digestCases(f: Fixture): BadCase[] {
  const id = `/v1/identities/${f.identityA}`;
  return Object.entries(BAD_DIGESTS).flatMap(([kind, digest]) => [
    { method: "POST", path: `${id}/sign-intent`, token: f.tokenA, name: `sign-intent ${kind}`, body: { digest }, status: 400 },
    { method: "POST", path: `${id}/sign`, token: f.tokenA, name: `sign ${kind}`, body: { digest, ticket: f.ticketA }, status: 400 },
    { method: "POST", path: `${id}/sign-batch`, token: f.tokenA, name: `sign-batch ${kind}`, body: { digests: [{ digest }] }, status: 400 },
  ]);
}

/** The identity routes, given an identity id, with valid bodies. */
function identityRoutes(f: Fixture, id: string) {
  const base = `/v1/identities/${id}`;
  return [
    { method: "POST", path: `${base}/sign-intent`, body: { digest: randomDigest() } },
    { method: "POST", path: `${base}/sign`, body: { digest: f.digestA, ticket: f.ticketA } },
    { method: "POST", path: `${base}/sign-batch`, body: { digests: [{ digest: randomDigest() }] } },
    { method: "POST", path: `${base}/restore` },
    { method: "DELETE", path: base },
  ];
}

/**
 * Bad ids (400), unknown ids (404) and another user's identity (403). A ticket is checked before
 * the identity is looked up, so another identity's ticket on an unknown id is a 403 mismatch.
 */
export function idCases(f: Fixture): BadCase[] {
  const unknownStatus = (path: string) => (path.endsWith("/sign") ? { status: 403, code: "ticket_mismatch" } : { status: 404 });
  return [
    ...identityRoutes(f, "not-a-uuid").map((r) => ({ ...r, token: f.tokenA, name: `${r.method} ${r.path}`, status: 400, code: "invalid_id" })),
    ...identityRoutes(f, randomUUID()).map((r) => ({ ...r, token: f.tokenA, name: `${r.method} unknown ${r.path}`, ...unknownStatus(r.path) })),
    ...identityRoutes(f, f.identityA).map((r) => ({ ...r, token: f.tokenB, name: `${r.method} other user's ${r.path}`, status: 403 })),
  ];
}

/** Missing, forged and wrong-type credentials: tickets and sessions are not interchangeable. */
export function credentialCases(f: Fixture): BadCase[] {
  const routes = [
    { method: "GET", path: "/v1/identities" },
    { method: "POST", path: "/v1/identities" },
    { method: "GET", path: "/v1/audit" },
    { method: "POST", path: "/v1/auth/logout" },
    ...identityRoutes(f, f.identityA),
  ];
  return [
    ...routes.map((r) => ({ ...r, name: `no token ${r.method} ${r.path}`, status: 401, code: "unauthorized" })),
    ...routes.map((r) => ({ ...r, token: "not.a.jwt", name: `forged token ${r.method} ${r.path}`, status: 401 })),
    ...routes.map((r) => ({ ...r, token: f.ticketA, name: `ticket as bearer ${r.method} ${r.path}`, status: 401 })),
    { method: "POST", path: `/v1/identities/${f.identityA}/sign`, token: f.tokenA, name: "session token as ticket", body: { digest: f.digestA, ticket: f.tokenA } },
  ];
}
