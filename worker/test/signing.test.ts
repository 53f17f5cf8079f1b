import { env } from "cloudflare:test";
import { schnorr } from "@noble/curves/secp256k1.js";
import { digestHash, hexToBytes } from "@clw/shared";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { call, createIdentity, createIdentityOnlyInBackup, randomDigest, signIn, signIntent } from "./helpers.js";

const verifies = (publicKey: string, digest: string, signature: string) =>
  schnorr.verify(hexToBytes(signature), hexToBytes(digest), hexToBytes(publicKey.slice(2)));

async function ticketFor(claims: Record<string, unknown>, secret = env.TICKET_SIGNING_SECRET!, typ = "ticket+jwt", exp = "90s") {
  return new SignJWT({ scope: "sign", jti: crypto.randomUUID().replaceAll("-", ""), ...claims })
    .setProtectedHeader({ alg: "HS256", typ })
    .setIssuer("clw-cash").setAudience(typ === "ticket+jwt" ? "clw-cash:ticket" : "clw-cash:session")
    .setIssuedAt().setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

describe("signing", () => {
  it("sign-intent then sign gives a BIP-340 signature over the digest, once", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, `0x${digest.toUpperCase()}`);
    expect(intent).toMatchObject({ identity_id: identity.id, digest_hash: digestHash(digest), scope: "sign" });
    expect(Date.parse(intent.expires_at) - Date.now()).toBeGreaterThan(80_000);
    const sign = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(sign.status).toBe(200);
    expect(verifies(identity.public_key, digest, sign.body.signature)).toBe(true);

    const replay = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe("ticket_replayed");
  });

  it("a ticket signs only its own digest and identity", async () => {
    const { token } = await signIn();
    const [a, b] = [await createIdentity(token), await createIdentity(token)];
    const digest = randomDigest();
    const intent = await signIntent(token, a.id, digest);
    const otherDigest = await call("POST", `/v1/identities/${a.id}/sign`, { token, body: { digest: randomDigest(), ticket: intent.ticket } });
    expect(otherDigest.status).toBe(403);
    expect(otherDigest.body.code).toBe("ticket_mismatch");
    const otherIdentity = await call("POST", `/v1/identities/${b.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(otherIdentity.status).toBe(403);
    // Neither attempt used the ticket up.
    const sign = await call("POST", `/v1/identities/${a.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(sign.status).toBe(200);
  });

  it("refuses expired, forged and session-typed tickets", async () => {
    const { token, user } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const claims = { sub: user.id, iid: identity.id, dgh: digestHash(digest) };
    const cases: [string, number, string][] = [
      [await ticketFor(claims, undefined, undefined, "-1s"), 410, "ticket_expired"],
      [await ticketFor(claims, "a-completely-different-secret"), 401, "invalid_ticket"],
      [await ticketFor(claims, env.SESSION_SIGNING_SECRET!), 401, "invalid_ticket"],
      [await ticketFor(claims, undefined, "session+jwt"), 401, "invalid_ticket"],
      [token, 401, "invalid_ticket"],
      [await ticketFor({ ...claims, sub: crypto.randomUUID() }), 403, "ticket_mismatch"],
    ];
    for (const [ticket, status, code] of cases) {
      const res = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket } });
      expect([res.status, res.body.code]).toEqual([status, code]);
    }
  });

  it("30 concurrent sign calls with one ticket give exactly one signature", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    // The rest are replays (409), or refused at admission by the identity's signing limit (429).
    expect(statuses.filter((s) => s === 409 || s === 429)).toHaveLength(29);
    expect(statuses.filter((s) => s === 409).length).toBeGreaterThan(0);
    const audit = await call("GET", "/v1/audit", { token });
    expect(audit.body.items.filter((e: { action: string }) => e.action === "identity.sign")).toHaveLength(1);
  });

  it("sign-batch signs every digest in order", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digests = Array.from({ length: 5 }, randomDigest);
    const res = await call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body: { digests: digests.map((digest) => ({ digest })) } });
    expect(res.status).toBe(200);
    expect(res.body.signatures).toHaveLength(5);
    digests.forEach((digest, i) => expect(verifies(identity.public_key, digest, res.body.signatures[i])).toBe(true));
    const tooMany = await call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body: { digests: Array.from({ length: 101 }, () => ({ digest: randomDigest() })) } });
    expect(tooMany.status).toBe(400);
  });

  it("restores a key the enclave lost (e.g. after a restart) and signs with the same ticket", async () => {
    const { token } = await signIn();
    const identity = await createIdentityOnlyInBackup(token);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    const sign = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(sign.status).toBe(200);
    expect(verifies(identity.public_key, digest, sign.body.signature)).toBe(true);
    const audit = await call("GET", "/v1/audit", { token });
    const restore = audit.body.items.find((e: { action: string }) => e.action === "identity.restore");
    expect(restore).toMatchObject({ identity_id: identity.id, source: "system", metadata: { reason: "key_not_found", imported: true } });
    // Newest first, and the times agree with the order: the ticket was spent, then the key came back.
    const events = audit.body.items as { action: string; created_at: string }[];
    expect(events.slice(0, 2).map((e) => e.action)).toEqual(["identity.restore", "identity.sign"]);
    const times = events.map((e) => Date.parse(e.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("answers a clear 503 within seconds when the enclave is down, and the ticket survives", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    const started = Date.now();
    const down = await call("POST", `/v1/identities/${identity.id}/sign`, {
      token,
      body: { digest, ticket: intent.ticket },
      env: { ENCLAVE_BASE_URL: "http://127.0.0.1:9" },
    });
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(down.status).toBe(503);
    expect(down.body.code).toBe("enclave_unavailable");
    const failed = (await call("GET", "/v1/audit", { token })).body.items.find((e: { action: string }) => e.action === "identity.sign_failed");
    expect(failed).toMatchObject({ metadata: { reason: "enclave_unavailable", nonces: [intent.nonce], released: true } });
    const later = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(later.status).toBe(200);
  });
});
