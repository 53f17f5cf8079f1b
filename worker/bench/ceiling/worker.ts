/**
 * The sign flow with everything but D1 and KV: sign-intent verifies the session token and mints
 * a ticket; sign verifies the session token and the ticket, then asks the real signer. What the
 * real flow could reach if its database work cost nothing (see docs/BENCHMARKS.md).
 *
 * Under `/d1/…` each of the two requests also makes one trivial D1 round trip (`SELECT ?`): the
 * floor for a flow that must read the policy once and consume the ticket once, whatever the
 * statements are.
 */
import { digestHash, SESSION_AUDIENCE, SESSION_TYP, TICKET_AUDIENCE, TICKET_TYP, TOKEN_ISSUER } from "@clw/shared";
import { jwtVerify, SignJWT } from "jose";

interface Env {
  SESSION_SIGNING_SECRET: string;
  TICKET_SIGNING_SECRET: string;
  INTERNAL_API_KEY: string;
  ENCLAVE_BASE_URL: string;
  /** D1, as far as this Worker uses it (the bench's Node types do not include workerd's). */
  DB: { prepare(sql: string): { bind(...values: unknown[]): { first(): Promise<unknown> } } };
}

const keys = new Map<string, Promise<Awaited<ReturnType<typeof crypto.subtle.importKey>>>>();
const hmac = (secret: string) => {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"])));
  return key;
};

async function session(request: Request, env: Env) {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
  return (await jwtVerify(token, await hmac(env.SESSION_SIGNING_SECRET), { issuer: TOKEN_ISSUER, audience: SESSION_AUDIENCE, typ: SESSION_TYP })).payload;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return Response.json({ ok: true });
    const withD1 = url.pathname.startsWith("/d1/");
    const identityId = url.pathname.split("/")[withD1 ? 4 : 3]!;
    const claims = await session(request, env);
    if (withD1) await env.DB.prepare("SELECT ? AS v").bind(identityId).first();
    const body = (await request.json()) as { digest: string; ticket?: string };
    if (url.pathname.endsWith("/sign-intent")) {
      const now = Math.floor(Date.now() / 1000);
      const nonce = crypto.randomUUID().replaceAll("-", "");
      const dgh = digestHash(body.digest);
      const ticket = await new SignJWT({ iid: identityId, dgh, scope: "sign", jti: nonce })
        .setProtectedHeader({ alg: "HS256", typ: TICKET_TYP })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TICKET_AUDIENCE)
        .setSubject(String(claims.sub))
        .setIssuedAt(now)
        .setExpirationTime(now + 90)
        .sign(await hmac(env.TICKET_SIGNING_SECRET));
      // The answer the real API gives, so the same client drives both.
      const expires_at = new Date((now + 90) * 1000).toISOString();
      return Response.json({ id: crypto.randomUUID(), identity_id: identityId, digest_hash: dgh, nonce, scope: "sign", expires_at, ticket }, { status: 201 });
    }
    await jwtVerify(body.ticket!, await hmac(env.TICKET_SIGNING_SECRET), { issuer: TOKEN_ISSUER, audience: TICKET_AUDIENCE, typ: TICKET_TYP });
    const signed = await fetch(`${env.ENCLAVE_BASE_URL}/v1/keys/sign`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-internal-api-key": env.INTERNAL_API_KEY },
      body: JSON.stringify({ identity_id: identityId, digest: body.digest, ticket: body.ticket }),
    });
    return new Response(signed.body, { status: signed.status, headers: { "content-type": "application/json" } });
  },
};
