import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createIdentity, randomDigest, signIn, signIntent } from "./helpers.js";

describe("audit", () => {
  it("records every state change, newest first, paginated", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const digest = randomDigest();
    const intent = await signIntent(token, identity.id, digest);
    await call("POST", `/v1/identities/${identity.id}/sign`, { token, body: { digest, ticket: intent.ticket } });
    await call("DELETE", `/v1/identities/${identity.id}`, { token });

    const all = await call("GET", "/v1/audit", { token });
    expect(all.body).toMatchObject({ limit: 50, offset: 0, count: 5 });
    expect(all.body.items.map((e: { action: string }) => e.action)).toEqual([
      "identity.destroy",
      "identity.sign",
      "identity.create",
      "session.create",
      "user.create",
    ]);
    expect(all.body.items[1]).toMatchObject({ identity_id: identity.id, source: "api", metadata: { digest_hash: intent.digest_hash } });

    const page = await call("GET", "/v1/audit?limit=2&offset=1", { token });
    expect(page.body.items.map((e: { action: string }) => e.action)).toEqual(["identity.sign", "identity.create"]);
    expect(page.body).toMatchObject({ limit: 2, offset: 1, count: 5 });
    for (const bad of ["limit=0", "limit=101", "offset=-1", "limit=abc"]) {
      expect((await call("GET", `/v1/audit?${bad}`, { token })).status).toBe(400);
    }
  });

  it("shows each user only their own events", async () => {
    const a = await signIn();
    const b = await signIn();
    await createIdentity(a.token);
    const audit = await call("GET", "/v1/audit", { token: b.token });
    expect(audit.body.items.some((e: { action: string }) => e.action === "identity.create")).toBe(false);
  });

  it("is append-only in D1", async () => {
    await signIn();
    await expect(env.DB.prepare("UPDATE audit_events SET action = 'x'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM audit_events").run()).rejects.toThrow(/append-only/);
  });

  it("keeps no private key material: only sealed backups are stored", async () => {
    const { token } = await signIn();
    const identity = await createIdentity(token);
    const backup = await env.DB.prepare("SELECT sealed_key FROM key_backups WHERE identity_id = ?").bind(identity.id).first<{ sealed_key: string }>();
    expect(backup?.sealed_key).toMatch(/^v1\.local\./);
    expect(backup!.sealed_key.length).toBeGreaterThan(64);
  });
});
