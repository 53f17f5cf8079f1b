import { randomBytes, randomInt } from "node:crypto";
import { verifySchnorr } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { callbackUpdate, textUpdate } from "../stack/telegram-updates.js";
import { cliChallenge, cliDestroy, cliRestore, cliVerifyOnce, OriginalApiError, OriginalSdk, type CliSession } from "./original-client.js";
import { postUpdate, useBotStack, useLocalStack, waitForButton } from "./support.js";

// The original SDK signs one digest per Taproot input in one batch: room for batches of 100.
const stack = useLocalStack({ vars: { RATE_LIMIT_PER_USER: "100000", RATE_LIMIT_PER_IDENTITY_SIGN: "100000" } });
const bot = useBotStack();

const hex32 = () => randomBytes(32).toString("hex");

/** The CLI's test-mode session refresh: a named test user, resolved at once. */
async function cliTestSession(name: string): Promise<CliSession> {
  const challenge = await cliChallenge(stack().apiUrl, { telegram_user_id: name });
  expect(challenge.deep_link).toBeNull();
  const session = await cliVerifyOnce(stack().apiUrl, challenge.challenge_id);
  if (session === "pending") throw new Error("a test-mode challenge stayed pending");
  return session;
}

describe("the original cash CLI", () => {
  it("test mode: signs in as test_user, sees the same user again, and reads the user as the original answered it", async () => {
    const first = await cliTestSession("test_user");
    expect(first.user).toMatchObject({ telegram_user_id: "test_user", status: "active" });
    expect(first.expires_in).toBeGreaterThan(0);
    const again = await cliTestSession("test_user");
    expect(again.user.id).toBe(first.user.id);
  });

  it("init: lists, creates with alg, restores with the remembered public key after a fresh login, and cleans up with DELETE", async () => {
    const session = await cliTestSession(`e2e_user_${Date.now()}`);
    expect((await OriginalSdk.listIdentities(stack().apiUrl, session.token)).items).toEqual([]);
    const identity = await OriginalSdk.createIdentity(stack().apiUrl, session.token);
    expect(identity).toMatchObject({ alg: "secp256k1", status: "active", user_id: session.user.id });
    await stack().restartEnclave();
    const relogin = await cliTestSession(session.user.telegram_user_id);
    const restored = await cliRestore(stack().apiUrl, relogin.token, identity.id, identity.public_key);
    expect(restored.status).toBe(200);
    const signature = await new OriginalSdk(stack().apiUrl, identity.id, relogin.token).signDigest(hex32());
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    const spare = await OriginalSdk.createIdentity(stack().apiUrl, relogin.token);
    expect((await cliDestroy(stack().apiUrl, relogin.token, spare.id)).status).toBe(200);
    expect((await OriginalSdk.listIdentities(stack().apiUrl, relogin.token)).items.map((i) => i.id)).toEqual([identity.id]);
  });

  it("a restore with a public key that is not the identity's is refused, and the identity still signs with its own key", async () => {
    const session = await cliTestSession(`e2e_user_${Date.now()}`);
    const identity = await OriginalSdk.createIdentity(stack().apiUrl, session.token);
    const stranger = await OriginalSdk.createIdentity(stack().apiUrl, session.token);
    const refused = await cliRestore(stack().apiUrl, session.token, identity.id, stranger.public_key);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "key_conflict", error: expect.any(String) });
    const digest = hex32();
    const signature = await new OriginalSdk(stack().apiUrl, identity.id, session.token).signDigest(digest);
    expect(verifySchnorr(identity.public_key, digest, signature)).toBe(true);
  });

  it("login with a bot: `{}` gives a deep link, verify answers 202 until the owner approves in Telegram, then the session", async () => {
    const { apiUrl } = bot().stack;
    const owner = randomInt(1e6, 1e9);
    const challenge = await cliChallenge(apiUrl, {});
    expect(challenge.deep_link).toMatch(/^https:\/\/t\.me\/clw_e2e_bot\?start=/);
    expect(await cliVerifyOnce(apiUrl, challenge.challenge_id)).toBe("pending");
    await postUpdate(apiUrl, textUpdate(owner, `/start ${new URL(challenge.deep_link!).searchParams.get("start")}`));
    const approve = (await waitForButton(bot().telegram, owner, `signin:approve:${challenge.challenge_id}`)).data;
    await postUpdate(apiUrl, callbackUpdate(owner, approve));
    const session = await cliVerifyOnce(apiUrl, challenge.challenge_id);
    expect(session).toMatchObject({ token: expect.any(String), user: { telegram_user_id: String(owner), status: "active" } });
  });
});

describe("the original SDK (ClwApiClient, as RemoteSignerIdentity uses it)", () => {
  it("signDigest: sign-intent then sign, with and without 0x, verifying against the x-only key", async () => {
    const session = await cliTestSession(`sdk_test_user_${Date.now()}`);
    const identity = await OriginalSdk.createIdentity(stack().apiUrl, session.token);
    const sdk = new OriginalSdk(stack().apiUrl, identity.id, session.token);
    for (const digest of [hex32(), `0x${hex32()}`]) {
      const signature = await sdk.signDigest(digest);
      expect(verifySchnorr(identity.public_key, digest, signature)).toBe(true);
    }
    const error = await sdk.signDigest("abc123").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OriginalApiError);
    expect((error as OriginalApiError).statusCode).toBe(400);
    expect((error as OriginalApiError).message).toMatch(/digest/);
  });

  for (const size of [1, 5, 6, 50, 100]) {
    it(`signDigestBatch with ${size} digest(s), one per Taproot input, every signature verified`, async () => {
      const session = await cliTestSession(`sdk_test_user_${Date.now()}_${size}`);
      const identity = await OriginalSdk.createIdentity(stack().apiUrl, session.token);
      const digests = Array.from({ length: size }, () => ({ digest: hex32() }));
      const signatures = await new OriginalSdk(stack().apiUrl, identity.id, session.token).signDigestBatch(digests);
      expect(signatures).toHaveLength(size);
      signatures.forEach((signature, i) => expect(verifySchnorr(identity.public_key, digests[i]!.digest, signature), `digest ${i}`).toBe(true));
    });
  }
});
