import { verifySchnorr, type ClwClient, requireTicket } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { expectApiError, randomDigest, rawRequest, signIn, useLocalStack } from "./support.js";

const stack = useLocalStack();

describe("the owner's journey through the REST API", () => {
  it("signs in, creates a key, signs once per ticket, destroys it, and sees it all in the audit", async () => {
    const { client, session } = await signIn(stack().apiUrl);
    expect(session.token).toBeTruthy();

    const identity = await client.createIdentity();
    expect(identity).toMatchObject({ alg: "secp256k1", status: "active", user_id: session.user.id });
    expect(identity.public_key).toMatch(/^0[23][0-9a-f]{64}$/);

    const digest = randomDigest();
    const intent = requireTicket(await client.signIntent(identity.id, digest));
    expect(intent).toMatchObject({ identity_id: identity.id, scope: "sign" });
    const signature = await client.sign(identity.id, digest, intent.ticket);
    expect(verifySchnorr(identity.public_key, digest, signature)).toBe(true);
    expect(verifySchnorr(identity.public_key, randomDigest(), signature)).toBe(false);

    await expectApiError(client.sign(identity.id, digest, intent.ticket), 409, "ticket_replayed");

    await client.destroyIdentity(identity.id);
    await expectApiError(client.signDigest(identity.id, randomDigest()), 409, "identity_not_active");

    const audit = await client.audit({ limit: 50 });
    const ids = audit.items.map((item) => item.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const actions = audit.items.map((item) => item.action);
    const expected = ["identity.destroy", "identity.sign", "identity.create", "session.create", "user.create"];
    expect(actions.filter((action) => expected.includes(action))).toEqual(expected);
  });

  it("gives at most one session per challenge", async () => {
    const { client } = await signIn(stack().apiUrl);
    const challenge = await client.createChallenge({ telegram_user_id: 424242 });
    expect(challenge.deep_link).toBeNull();
    await client.verify(challenge.challenge_id);
    await expectApiError(client.verify(challenge.challenge_id), 404);
  });

  it("refuses the session token after logout", async () => {
    const { client, session } = await signIn(stack().apiUrl);
    await client.listIdentities();
    await client.logout();
    const answer = await rawRequest(stack().apiUrl, "GET", "/v1/identities", { token: session.token });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ code: "unauthorized" });
  });

  it("keeps signing after an enclave restart by restoring the key from its sealed backup", async () => {
    const { client } = await signIn(stack().apiUrl);
    const identity = await client.createIdentity();
    expect(verifySchnorr(identity.public_key, ...(await signedDigest(client, identity.id)))).toBe(true);

    await stack().restartEnclave();

    expect(verifySchnorr(identity.public_key, ...(await signedDigest(client, identity.id)))).toBe(true);
    const audit = await client.audit({ limit: 50 });
    expect(audit.items).toContainEqual(expect.objectContaining({ action: "identity.restore", identity_id: identity.id }));
  });

  it("answers enclave_unavailable quickly, as JSON, while the enclave is down", async () => {
    const { client } = await signIn(stack().apiUrl);
    const identity = await client.createIdentity();
    const digest = randomDigest();
    const intent = requireTicket(await client.signIntent(identity.id, digest));
    await stack().stopEnclave();
    try {
      const started = Date.now();
      await expectApiError(client.sign(identity.id, digest, intent.ticket), [502, 503], "enclave_unavailable");
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await stack().restartEnclave();
    }
  });
});

/** Sign-intent + sign over a fresh digest: `[digest, signature]`. */
async function signedDigest(client: ClwClient, identityId: string): Promise<[string, string]> {
  const digest = randomDigest();
  return [digest, await client.signDigest(identityId, digest)];
}
