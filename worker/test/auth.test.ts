import { env } from "cloudflare:test";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { call, createIdentity, freshTelegramId, randomDigest, signIn, signIntent } from "./helpers.js";

describe("sign-in", () => {
  it("test mode resolves a challenge that names a Telegram user, once", async () => {
    const telegramUserId = freshTelegramId();
    const challenge = await call("POST", "/v1/auth/challenge", { body: { telegram_user_id: telegramUserId } });
    expect(challenge.status).toBe(201);
    expect(challenge.body.deep_link).toBeNull();
    expect(Date.parse(challenge.body.expires_at)).toBeGreaterThan(Date.now());

    const verified = await call("POST", "/v1/auth/verify", { body: { challenge_id: challenge.body.challenge_id } });
    expect(verified.status).toBe(200);
    expect(verified.body.user).toMatchObject({ telegram_user_id: String(telegramUserId), status: "active" });
    expect(verified.body.expires_in).toBe(3600);

    const again = await call("POST", "/v1/auth/verify", { body: { challenge_id: challenge.body.challenge_id } });
    expect(again.status).toBe(404);
  });

  it("keeps the same user across sign-ins and audits user and session creation", async () => {
    const telegramUserId = freshTelegramId();
    const first = await signIn(telegramUserId);
    const second = await signIn(telegramUserId);
    expect(second.user.id).toBe(first.user.id);
    const audit = await call("GET", "/v1/audit", { token: second.token });
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === "user.create")).toHaveLength(1);
    expect(actions.filter((a: string) => a === "session.create")).toHaveLength(2);
  });

  it("a challenge without a Telegram user stays pending", async () => {
    const challenge = await call("POST", "/v1/auth/challenge", { body: {} });
    expect(challenge.status).toBe(201);
    const verified = await call("POST", "/v1/auth/verify", { body: { challenge_id: challenge.body.challenge_id } });
    expect(verified.status).toBe(202);
    expect(verified.body.status).toBe("pending");
  });

  it("unknown challenges are 404", async () => {
    const res = await call("POST", "/v1/auth/verify", { body: { challenge_id: crypto.randomUUID() } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });

  it("production never runs in test mode, whatever ALLOW_TEST_AUTH says", async () => {
    const res = await call("POST", "/v1/auth/challenge", {
      body: { telegram_user_id: freshTelegramId() },
      env: { ENVIRONMENT: "production", ALLOW_TEST_AUTH: "true" },
    });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("misconfigured");
  });

  it("with a bot token a challenge is never auto-approved and carries a deep link that is not its id", async () => {
    const res = await call("POST", "/v1/auth/challenge", {
      body: { telegram_user_id: freshTelegramId() },
      env: { TELEGRAM_BOT_TOKEN: "123:abc", TELEGRAM_BOT_USERNAME: "clw_cash_bot" },
    });
    expect(res.status).toBe(201);
    expect(res.body.deep_link).toMatch(/^https:\/\/t\.me\/clw_cash_bot\?start=[0-9a-f]{32}$/);
    expect(res.body.deep_link).not.toContain(res.body.challenge_id);
    const verified = await call("POST", "/v1/auth/verify", { body: { challenge_id: res.body.challenge_id } });
    expect(verified.status).toBe(202);
  });

  it("a missing secret is a loud 500 naming the variable", async () => {
    const res = await call("POST", "/v1/auth/challenge", { body: {}, env: { SESSION_SIGNING_SECRET: undefined } });
    expect(res.status).toBe(500);
    expect(res.body.code).toBe("misconfigured");
    expect(res.body.error).toContain("SESSION_SIGNING_SECRET");
  });
});

describe("sessions", () => {
  it("logout revokes the session everywhere, signing included", async () => {
    const telegramUserId = freshTelegramId();
    const { token } = await signIn(telegramUserId);
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    expect((await call("POST", "/v1/auth/logout", { token })).status).toBe(200);
    const attempts = [
      call("GET", "/v1/identities", { token }),
      call("GET", "/v1/audit", { token }),
      call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { digest } }),
      call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } }),
      call("POST", `/v1/identities/${identity.id}/sign-batch`, { token, body: { digests: [{ digest }] } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("unauthorized");
    }
    // The refused attempt did not spend the ticket: a new session of the same owner can use it.
    const again = await signIn(telegramUserId);
    const sign = await call("POST", `/v1/identities/${identity.id}/sign`, { token: again.token, body: { digest, ticket: intent.ticket } });
    expect(sign.status).toBe(200);
  });

  it("refuses missing, malformed, forged and expired tokens", async () => {
    const { token, user } = await signIn();
    const forged = await new SignJWT({ sub: user.id, jti: "f".repeat(32) })
      .setProtectedHeader({ alg: "HS256", typ: "session+jwt" })
      .setIssuer("clw-cash").setAudience("clw-cash:session").setIssuedAt().setExpirationTime("1h")
      .sign(new TextEncoder().encode("not-the-session-secret-at-all"));
    const [, payload] = token.split(".");
    const expired = await new SignJWT({ sub: user.id, jti: "e".repeat(32) })
      .setProtectedHeader({ alg: "HS256", typ: "session+jwt" })
      .setIssuer("clw-cash").setAudience("clw-cash:session").setIssuedAt(1_000).setExpirationTime(2_000)
      .sign(new TextEncoder().encode(env.SESSION_SIGNING_SECRET!));
    for (const bad of [undefined, "garbage", forged, expired, `${token}x`, `eyJhbGciOiJub25lIn0.${payload}.`]) {
      const res = await call("GET", "/v1/identities", { token: bad });
      expect(res.status, String(bad)).toBe(401);
      expect(res.body.code).toBe("unauthorized");
    }
  });

  it("a ticket is never accepted as a session token", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const intent = await signIntent(token, identity.id, randomDigest());
    const res = await call("GET", "/v1/identities", { token: intent.ticket });
    expect(res.status).toBe(401);
  });

  it("a session token signed with the ticket secret is refused", async () => {
    const { user } = await signIn();
    const crossed = await new SignJWT({ sub: user.id, jti: "c".repeat(32) })
      .setProtectedHeader({ alg: "HS256", typ: "session+jwt" })
      .setIssuer("clw-cash").setAudience("clw-cash:session").setIssuedAt().setExpirationTime("1h")
      .sign(new TextEncoder().encode(env.TICKET_SIGNING_SECRET!));
    expect((await call("GET", "/v1/identities", { token: crossed })).status).toBe(401);
  });
});

describe("test mode is local only", () => {
  it("a deployed Worker without a bot token never resolves a challenge, whatever ALLOW_TEST_AUTH says", async () => {
    for (const origin of ["https://clw-cash-api-dev.example.workers.dev", "https://api.clw.cash"]) {
      const res = await call("POST", "/v1/auth/challenge", { origin, body: { telegram_user_id: freshTelegramId() } });
      expect(res.status, origin).toBe(503);
      expect(res.body).toMatchObject({ code: "misconfigured", error: expect.stringContaining("loopback") });
    }
  });

  it("ENVIRONMENT=local allows test mode on any host; a loopback host allows it by itself", async () => {
    const elsewhere = await call("POST", "/v1/auth/challenge", { origin: "http://devbox.internal:8787", body: { telegram_user_id: freshTelegramId() }, env: { ENVIRONMENT: "local" } });
    expect(elsewhere.status).toBe(201);
    for (const origin of ["http://localhost:8787", "http://[::1]:8787"]) {
      const res = await call("POST", "/v1/auth/challenge", { origin, body: { telegram_user_id: freshTelegramId() } });
      expect(res.status, origin).toBe(201);
      expect(res.body.deep_link).toBeNull();
    }
  });
});
