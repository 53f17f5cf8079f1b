import { env } from "cloudflare:test";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes, verifySchnorr } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { buildDeps } from "../src/middleware/context.js";
import { storeResealedBackup } from "../src/services/key-reseal.js";
import type { Env } from "../src/env.js";
import { call, freshTelegramId, randomDigest, signerHoldsKey, signIn, signIntent, spareSigner } from "./helpers.js";

/** The old signer's local backup (AES-256-GCM, 12-byte IV, no AAD, over the key's hex), made with Web Crypto. */
async function oldSealLocal(privateKeyHex: string, sealingKeyHex: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", hexToBytes(sealingKeyHex), "AES-GCM", false, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(privateKeyHex)));
  return [iv, sealed.subarray(0, -16), sealed.subarray(-16)].map(bytesToHex).join(":");
}

function newKey() {
  const secret = secp256k1.utils.randomSecretKey();
  return { privateKeyHex: bytesToHex(secret), publicKey: bytesToHex(secp256k1.getPublicKey(secret, true)) };
}

/**
 * A user, identity and legacy backup as the move from the old API leaves them in D1. The backup
 * holds `backupKey` (the identity's own key unless given), sealed under the old signer's key.
 */
async function migratedIdentity(backupKey?: { privateKeyHex: string }) {
  const telegramId = freshTelegramId();
  const userId = crypto.randomUUID();
  const id = crypto.randomUUID();
  const key = newKey();
  const sealedKey = await oldSealLocal((backupKey ?? key).privateKeyHex, env.TEST_LEGACY_SEALING_KEY);
  const at = "2026-02-14T22:34:02.967Z";
  await env.DB.batch([
    env.DB.prepare("INSERT INTO users (id, telegram_user_id, created_at) VALUES (?, ?, ?)").bind(userId, telegramId, at),
    env.DB.prepare("INSERT INTO identities (id, user_id, alg, public_key, status, created_at) VALUES (?, ?, 'secp256k1', ?, 'active', ?)").bind(id, userId, key.publicKey, at),
    env.DB.prepare("INSERT INTO key_backups (identity_id, alg, sealed_key, created_at, updated_at) VALUES (?, 'secp256k1', ?, ?, ?)").bind(id, sealedKey, at, at),
  ]);
  const { token } = await signIn(telegramId);
  return { id, userId, token, publicKey: key.publicKey, sealedKey };
}

const backupOf = (id: string) => env.DB.prepare("SELECT sealed_key, updated_at FROM key_backups WHERE identity_id = ?").bind(id).first<{ sealed_key: string; updated_at: string }>();
const actions = async (token: string) => ((await call("GET", "/v1/audit?limit=100", { token })).body.items as Array<{ action: string; source: string; metadata: unknown }>);

/** Signs through the Worker; `env` overrides may send it to the run's second signer. */
async function sign(token: string, id: string, overrides?: Partial<Env>) {
  const digest = randomDigest();
  const intent = await signIntent(token, id, digest);
  const res = await call("POST", `/v1/identities/${id}/sign`, { token, body: { digest, ticket: intent.ticket }, env: overrides });
  return { ...res, digest };
}

describe("restoring a backup moved from the old API", () => {
  it("opens it, signs, and replaces it in D1 with the re-sealed backup (identity.reseal), once", async () => {
    const identity = await migratedIdentity();
    // The first use happens in the signer before its restart (the run's second signer).
    const first = await sign(identity.token, identity.id, spareSigner());
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(verifySchnorr(identity.publicKey, first.digest, first.body.signature)).toBe(true);
    const backup = await backupOf(identity.id);
    expect(backup?.sealed_key).toMatch(/^v1\.local\./);
    expect(backup?.updated_at).not.toBe("2026-02-14T22:34:02.967Z");
    const events = await actions(identity.token);
    expect(events.find((e) => e.action === "identity.reseal")).toMatchObject({ source: "system", metadata: { previous_format: "legacy local", format: "v1.local" } });

    // After the restart the key comes back from the current backup, with no new re-seal.
    expect((await sign(identity.token, identity.id)).status).toBe(200);
    expect((await backupOf(identity.id))?.sealed_key).toBe(backup?.sealed_key);
    const after = await actions(identity.token);
    expect(after.filter((e) => e.action === "identity.restore")).toHaveLength(2);
    expect(after.filter((e) => e.action === "identity.reseal")).toHaveLength(1);
  });

  it("concurrent restores re-seal it once, and the stored backup opens", async () => {
    const identity = await migratedIdentity();
    const answers = await Promise.all([1, 2, 3].map(() => call("POST", `/v1/identities/${identity.id}/restore`, { token: identity.token, env: spareSigner() })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect((await actions(identity.token)).filter((e) => e.action === "identity.reseal")).toHaveLength(1);
    expect((await sign(identity.token, identity.id)).status).toBe(200);
  });

  it("never overwrites a backup that changed since it was read, and then audits nothing", async () => {
    const identity = await migratedIdentity();
    const deps = buildDeps(env, { waitUntil: () => undefined });
    const row = await env.DB.prepare("SELECT * FROM identities WHERE id = ?").bind(identity.id).first();
    const stale = await oldSealLocal(newKey().privateKeyHex, env.TEST_LEGACY_SEALING_KEY);
    expect(await storeResealedBackup(deps, row as never, stale, "v1.local.newer", "system")).toBe(false);
    expect((await backupOf(identity.id))?.sealed_key).toBe(identity.sealedKey);
    expect((await actions(identity.token)).map((e) => e.action)).not.toContain("identity.reseal");
  });

  it("a backup holding another key is refused (409 key_conflict) and left as it was", async () => {
    const identity = await migratedIdentity(newKey());
    const res = await sign(identity.token, identity.id);
    expect([res.status, res.body.code]).toEqual([409, "key_conflict"]);
    expect(res.body.error).toMatch(/different key/);
    expect((await backupOf(identity.id))?.sealed_key).toBe(identity.sealedKey);
    expect((await actions(identity.token)).map((e) => e.action)).not.toContain("identity.reseal");
    expect(await signerHoldsKey(identity.id, identity.userId)).toBe(false);
  });
});
