import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createIdentity, randomDigest, signIn, signIntent } from "./helpers.js";

const NEW_SESSION_SECRET = "rotated-session-signing-secret-0123456789";
const NEW_TICKET_SECRET = "rotated-ticket-signing-secret-0123456789";

describe("secrets rotation without logging everyone out", () => {
  it("a session minted before rotating SESSION_SIGNING_SECRET works until the previous secret is removed", async () => {
    const { token } = await signIn();
    const rotated = { SESSION_SIGNING_SECRET: NEW_SESSION_SECRET, SESSION_SIGNING_SECRET_PREVIOUS: env.SESSION_SIGNING_SECRET };
    expect((await call("GET", "/v1/identities", { token, env: rotated })).status).toBe(200);

    // New sessions are signed with the new secret only.
    const challenge = await call("POST", "/v1/auth/challenge", { body: { telegram_user_id: 424242 }, env: rotated });
    const fresh = await call("POST", "/v1/auth/verify", { body: { challenge_id: challenge.body.challenge_id }, env: rotated });
    expect((await call("GET", "/v1/identities", { token: fresh.body.token, env: rotated })).status).toBe(200);
    expect((await call("GET", "/v1/identities", { token: fresh.body.token })).status).toBe(401);

    const removed = { SESSION_SIGNING_SECRET: NEW_SESSION_SECRET };
    expect((await call("GET", "/v1/identities", { token, env: removed })).status).toBe(401);
    expect((await call("GET", "/v1/identities", { token: fresh.body.token, env: removed })).status).toBe(200);
  });

  it("a ticket in flight while TICKET_SIGNING_SECRET rotates still signs; not once the previous is removed", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const inFlight = await signIntent(token, identity.id, digest);
    const rotated = { TICKET_SIGNING_SECRET: NEW_TICKET_SECRET, TICKET_SIGNING_SECRET_PREVIOUS: env.TICKET_SIGNING_SECRET };
    const signed = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: inFlight.ticket }, env: rotated });
    expect(signed.status).toBe(200);

    const later = await signIntent(token, identity.id, digest);
    const refused = await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: later.ticket }, env: { TICKET_SIGNING_SECRET: NEW_TICKET_SECRET } });
    expect([refused.status, refused.body.code]).toEqual([401, "invalid_ticket"]);
  });
});
