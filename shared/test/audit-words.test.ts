import { describe, expect, it } from "vitest";
import { describeEvent, describeSource, keyLabel, publicKeyIndex, type AuditEvent } from "../src/index.js";

const ID = "1a2b3c4d-0000-4000-8000-000000000000";
const PUB = "02deadbeef" + "00".repeat(28);

function event(action: string, metadata: Record<string, unknown> = {}, identityId: string | null = ID): AuditEvent {
  return { id: 1, action, identity_id: identityId, source: "api", metadata, created_at: "2026-01-01T00:00:00.000Z" };
}

describe("activity in words", () => {
  it("names each action the way a person would", () => {
    expect(describeEvent(event("user.create", {}, null))).toBe("Created your clw.cash account");
    expect(describeEvent(event("session.create", {}, null))).toBe("Signed in");
    expect(describeEvent(event("session.revoke", {}, null))).toBe("Signed out");
    expect(describeEvent(event("identity.destroy"))).toBe("Destroyed key 1a2b3c4d…");
    expect(describeEvent(event("identity.restore"))).toBe("Restored key 1a2b3c4d… from its sealed backup");
    expect(describeEvent(event("identity.reseal"))).toBe("Re-sealed key 1a2b3c4d… in the current backup format");
    expect(describeEvent(event("signin.approve", {}, null))).toBe("Approved a sign-in");
    expect(describeEvent(event("something.new", {}, null))).toBe("Recorded “something.new”");
  });

  it("names payment requests, decisions and policy changes", () => {
    expect(describeEvent(event("intent.create", { amount_sats: 42_000 }))).toBe("Request to pay 42,000 sats (declared) with key 1a2b3c4d…");
    expect(describeEvent(event("intent.create", { kind: "psbt", spend_sats: 1_500 }))).toBe("Request to sign a transaction spending 1,500 sats with key 1a2b3c4d…");
    expect(describeEvent(event("action.request", { kind: "destroy" }))).toBe("Asked to destroy key 1a2b3c4d…, waiting for your confirmation");
    expect(describeEvent(event("action.confirm", { outcome: "failed" }))).toBe("Confirmed a change to key 1a2b3c4d…, which could no longer be made");
    expect(describeEvent(event("intent.create", {}))).toBe("Request to sign with key 1a2b3c4d…");
    expect(describeEvent({ ...event("intent.approve"), source: "miniapp" })).toBe("Approved a request for key 1a2b3c4d…");
    expect(describeEvent({ ...event("intent.approve"), source: "system" })).toMatch(/automatically/);
    expect(describeEvent(event("intent.deny"))).toBe("Denied a request for key 1a2b3c4d…");
    expect(describeEvent(event("intent.expire"))).toBe("A request for key 1a2b3c4d… expired");
    expect(describeEvent(event("policy.update"))).toBe("Changed the policy of key 1a2b3c4d…");
  });

  it("says a single signature and a batch apart", () => {
    expect(describeEvent(event("identity.sign", { digest_hash: "ab" }))).toBe("Signed a digest with key 1a2b3c4d…");
    expect(describeEvent(event("identity.sign", { count: 3, batch_hash: "ab".repeat(32) }))).toBe("Signed 3 digests with key 1a2b3c4d…");
  });

  it("names a key by its public key once known, as the keys screen does", () => {
    expect(describeEvent(event("identity.create", { public_key: PUB }))).toBe("Created key deadbeef…");
    const index = publicKeyIndex([event("identity.create", { public_key: PUB })]);
    expect(describeEvent(event("identity.sign"), index)).toBe("Signed a digest with key deadbeef…");
    expect(keyLabel(ID, new Map([[ID, PUB]]))).toBe("key deadbeef…");
    expect(keyLabel(null)).toBe("a key");
  });

  it("says where", () => {
    expect(describeSource("telegram")).toBe("in Telegram");
    expect(describeSource("miniapp")).toBe("in the Mini App");
  });

  it("names a failed signature", () => {
    expect(describeEvent(event("identity.sign_failed", { reason: "enclave_unavailable" }))).toBe("A signature with key 1a2b3c4d… failed: the signer was unavailable");
    expect(describeEvent(event("identity.sign_failed", { reason: "key_conflict" }))).toBe("A signature with key 1a2b3c4d… failed (key_conflict)");
  });
});
