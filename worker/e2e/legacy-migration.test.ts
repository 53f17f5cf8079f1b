/**
 * The move from the old API, end to end: users and identities as the data migration leaves them
 * in D1, the old API's key-backups.json through `pnpm migrate:import-backups` and
 * `wrangler d1 execute --local`, then a restarted signer in evervault mode (a fake Evervault
 * crypto API) that also holds the old signer's SEALING_KEY. Keys sign through the API, and each
 * legacy backup is replaced by a current one on its first restore.
 */
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { requireTicket, verifySchnorr, type ClwClient } from "@clw/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The signer's own test helpers: its stand-in for Evervault, and backups made as the old signer made them.
import { startFakeEvervault, type FakeEvervault } from "../../enclave/test/fake-evervault.js";
import { oldKey, oldSealEvervault, oldSealLocal, type OldKey } from "../../enclave/test/old-signer.js";
import { executeLocalD1, REPO_ROOT } from "../stack/components.js";
import { startLocalStack, type LocalStack } from "../stack/local-stack.js";
import { randomHex32 } from "../stack/secrets.js";
import { oldExport } from "../test/old-exports.js";
import { expectApiError, randomDigest, signIn } from "./support.js";

const LEGACY_SEALING_KEY = randomHex32();
let fake: FakeEvervault;
let stack: LocalStack;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "clw-legacy-"));
  fake = await startFakeEvervault();
  const enclaveVars = { SEALING_MODE: "evervault", EV_ENCLAVE_CRYPTO_URL: fake.url, LEGACY_SEALING_KEY };
  stack = await startLocalStack({ persistDir: path.join(work, "state"), enclaveVars });
});

afterAll(async () => {
  await stack?.stop();
  await fake?.close();
  await rm(work, { recursive: true, force: true });
});

interface Migrated {
  id: string;
  key: OldKey;
  sealedKey: string;
}

/** An identity of the old API: its key, and the backup the old signer made (of that key unless `seal` picks another). */
async function migrated(seal: (key: OldKey) => string | Promise<string>): Promise<Migrated> {
  const key = oldKey();
  return { id: crypto.randomUUID(), key, sealedKey: await seal(key) };
}

/** The users and identities rows, as the data migration from the old API writes them. */
async function migrateRows(telegramUserId: number, userId: string, identities: Migrated[]): Promise<void> {
  const at = "2026-02-14T22:34:02.967Z";
  const rows = [
    `INSERT INTO users (id, telegram_user_id, created_at) VALUES ('${userId}', ${telegramUserId}, '${at}');`,
    ...identities.map((i) => `INSERT INTO identities (id, user_id, alg, public_key, status, created_at) VALUES ('${i.id}', '${userId}', 'secp256k1', '${i.key.publicKey}', 'active', '${at}');`),
  ];
  await writeFile(path.join(work, "rows.sql"), rows.join("\n"));
  await executeLocalD1(path.join(work, "state"), { file: path.join(work, "rows.sql") });
}

/** key-backups.json as the old API's store wrote it. */
async function writeOldExport(identities: Migrated[]): Promise<string> {
  const file = path.join(work, "key-backups.json");
  await writeFile(file, oldExport(identities.map((i) => ({ identity_id: i.id, sealed_key: i.sealedKey })), "2026-02-14T22:34:02.967Z"));
  return file;
}

async function signed(client: ClwClient, identity: Migrated) {
  const digest = randomDigest();
  const signature = await client.sign(identity.id, digest, requireTicket(await client.signIntent(identity.id, digest)).ticket);
  return verifySchnorr(identity.key.publicKey, digest, signature);
}

const storedBackups = async () =>
  Object.fromEntries((await executeLocalD1(path.join(work, "state"), { command: "SELECT identity_id, sealed_key FROM key_backups" })).map((r) => [r.identity_id, r.sealed_key as string]));

describe("migrating the old API's keys", () => {
  it("imports both legacy formats, signs with them, re-seals each once, and refuses a backup holding another key", async () => {
    const local = await migrated((k) => oldSealLocal(k.privateKeyHex, LEGACY_SEALING_KEY));
    const quoted = await migrated((k) => oldSealEvervault(fake.url, k.privateKeyHex, true));
    const parsed = await migrated((k) => oldSealEvervault(fake.url, k.privateKeyHex));
    const wrong = await migrated(() => oldSealLocal(oldKey().privateKeyHex, LEGACY_SEALING_KEY));
    const all = [local, quoted, parsed, wrong];
    const telegramUserId = randomInt(1_000_000, 2 ** 40);
    await migrateRows(telegramUserId, crypto.randomUUID(), all);

    const file = await writeOldExport(all);
    const sqlFile = path.join(work, "migration.sql");
    const run = spawnSync("pnpm", ["--silent", "migrate:import-backups", file, "--out", sqlFile], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("4 backups: 2 legacy local, 2 legacy evervault");
    // Applied twice, as an operator might: the second run changes nothing.
    for (let i = 0; i < 2; i++) await executeLocalD1(path.join(work, "state"), { file: sqlFile });
    expect(await storedBackups()).toMatchObject({ [local.id]: local.sealedKey, [quoted.id]: JSON.parse(quoted.sealedKey), [parsed.id]: parsed.sealedKey });

    await stack.restartEnclave();
    const { client } = await signIn(stack.apiUrl, telegramUserId);
    for (const identity of [local, quoted, parsed]) expect(await signed(client, identity)).toBe(true);

    const backups = await storedBackups();
    for (const identity of [local, quoted, parsed]) expect(backups[identity.id]).toMatch(/^v1\.evervault\.ev:/);
    const reseals = (await client.audit({ limit: 100 })).items.filter((e) => e.action === "identity.reseal");
    expect(reseals.map((e) => [e.identity_id, e.metadata.previous_format]).sort()).toEqual(
      [[local.id, "legacy local"], [quoted.id, "legacy evervault"], [parsed.id, "legacy evervault"]].sort(),
    );

    const refused = await expectApiError(client.signDigest(wrong.id, randomDigest()), 409, "key_conflict");
    expect(refused.message).toMatch(/different key than public_key/);
    expect(backups[wrong.id]).toBe(wrong.sealedKey);
    expect((await client.audit({ limit: 100 })).items.filter((e) => e.identity_id === wrong.id).map((e) => e.action)).not.toContain("identity.reseal");

    // After the next restart the keys come back from the current backups, without the legacy path.
    await stack.restartEnclave();
    expect(await signed(client, local)).toBe(true);
    expect(await storedBackups()).toMatchObject({ [local.id]: backups[local.id] });
    expect((await client.audit({ limit: 100 })).items.filter((e) => e.action === "identity.reseal")).toHaveLength(3);
  });
});
