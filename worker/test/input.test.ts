import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LIMITS } from "@clw/shared";
import { call, type Answer, createIdentity, randomDigest, signIn, signIntent } from "./helpers.js";

const roomy = { RATE_LIMIT_PER_USER: "100000" };

async function stateOf(token: string) {
  const identities = await call("GET", "/v1/identities", { token, env: roomy });
  const audit = await call("GET", "/v1/audit?limit=100", { token, env: roomy });
  return { identities: identities.body.items.length, audit: audit.body.count };
}

function expectClearRefusal(res: Answer, what: string) {
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  expect(res.body, what).toMatchObject({ error: expect.any(String), code: expect.any(String) });
}

describe("bad input never gets a 500 and changes nothing", () => {
  it("sweeps every route with malformed bodies, wrong types and bad digests", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    const before = await stateOf(token);
    const id = identity.id;
    const bodies = [
      "{not json",
      "[]",
      "null",
      '"digest"',
      JSON.stringify({ digest: 42 }),
      JSON.stringify({ digest: "zz".repeat(32) }),
      JSON.stringify({ digest: "ab".repeat(31) }),
      JSON.stringify({ digest: "ab".repeat(33) }),
      JSON.stringify({ digest: randomDigest(), ticket: 7 }),
      JSON.stringify({ digest: randomDigest(), extra: true }),
      JSON.stringify({ digests: [] }),
      JSON.stringify({ digests: "x" }),
      JSON.stringify({ challenge_id: "x" }),
      JSON.stringify({ telegram_user_id: "" }),
      JSON.stringify({ telegram_user_id: "x".repeat(65) }),
      JSON.stringify({ telegram_user_id: -1 }),
      JSON.stringify({ telegram_user_id: 1.5 }),
      JSON.stringify({ digest, ticket: intent.ticket, extra: 1 }),
    ];
    const routes: [string, string][] = [
      ["POST", "/v1/auth/challenge"],
      ["POST", "/v1/auth/verify"],
      ["POST", "/v1/identities"],
      ["POST", `/v1/identities/${id}/sign-intent`],
      ["POST", `/v1/identities/${id}/sign`],
      ["POST", `/v1/identities/${id}/sign-batch`],
      ["POST", `/v1/identities/${id}/restore`],
    ];
    for (const [method, path] of routes) {
      for (const raw of bodies) {
        const res = await call(method, path, { token, raw, env: roomy, headers: { "content-type": "application/json" } });
        expectClearRefusal(res, `${method} ${path} ${raw}`);
      }
    }
    for (const path of ["/v1/auth/verify", `/v1/identities/${id}/sign-intent`, `/v1/identities/${id}/sign`, `/v1/identities/${id}/sign-batch`]) {
      expectClearRefusal(await call("POST", path, { token, raw: "", env: roomy }), `empty body to ${path}`);
    }
    expect(await stateOf(token)).toEqual(before);
    // None of the bad calls used the ticket up.
    const sign = await call("POST", `/v1/identities/${id}/sign`, { token, env: roomy, body: { digest, ticket: intent.ticket } });
    expect(sign.status).toBe(200);
  });

  it("names the problem: digests, JSON and ids", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, body: { digest: "12" } });
    expect(digest.body.code).toBe("invalid_digest");
    const json = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, raw: "{" });
    expect(json.body.code).toBe("invalid_json");
    const badId = await call("POST", "/v1/identities/../audit/sign-intent", { token, body: { digest: randomDigest() } });
    expect(badId.status).toBeGreaterThanOrEqual(400);
    expect(badId.status).toBeLessThan(500);
  });

  it("refuses oversized bodies with 413", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const huge = JSON.stringify({ digest: randomDigest(), pad: "x".repeat(1024 * 1024) });
    const res = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, raw: huge });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("payload_too_large");
  });

  it("reads a body of exactly the limit and refuses one byte more", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const sized = (bytes: number) => {
      const empty = JSON.stringify({ digest: randomDigest(), pad: "" });
      return empty.replace('"pad":""', `"pad":"${"x".repeat(bytes - empty.length)}"`);
    };
    expect(sized(LIMITS.maxBodyBytes)).toHaveLength(LIMITS.maxBodyBytes);
    // At the limit the body is read and judged on its content (an unknown field here), not its size.
    const atLimit = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, raw: sized(LIMITS.maxBodyBytes) });
    expect([atLimit.status, atLimit.body.code]).toEqual([400, "bad_request"]);
    const over = await call("POST", `/v1/identities/${identity.id}/sign-intent`, { token, raw: sized(LIMITS.maxBodyBytes + 1) });
    expect([over.status, over.body.code]).toEqual([413, "payload_too_large"]);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await call("GET", "/nope");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After once a user's window is full", async () => {
    const { token } = await signIn();
    const limited = { RATE_LIMIT_PER_USER: "3" };
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await call("GET", "/v1/identities", { token, env: limited }));
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    const refused = answers[3]!;
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("rate_limited");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("limits signatures per identity", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const limited = { RATE_LIMIT_PER_IDENTITY_SIGN: "2" };
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const digest = randomDigest();
      const intent = await signIntent(token, identity.id, digest);
      const res = await call("POST", `/v1/identities/${identity.id}/sign`, { token, env: limited, body: { digest, ticket: intent.ticket } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe("CORS", () => {
  it("allows the configured origins only", async () => {
    const allowed = env.ALLOWED_ORIGINS!.split(",")[0]!;
    const ok = await call("OPTIONS", "/v1/identities", { headers: { origin: allowed, "access-control-request-method": "POST" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe(allowed);
    const pay = await call("OPTIONS", "/v1/identities", { headers: { origin: "https://pay.clw.cash", "access-control-request-method": "POST" } });
    expect(pay.headers.get("access-control-allow-origin")).toBe("https://pay.clw.cash");
    const policy = await call("OPTIONS", `/v1/identities/${crypto.randomUUID()}/policy`, { headers: { origin: "https://pay.clw.cash", "access-control-request-method": "PUT" } });
    expect(policy.headers.get("access-control-allow-methods")).toContain("PUT");
    const evil = await call("OPTIONS", "/v1/identities", { headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });
});
