import { env } from "cloudflare:test";
import { verifySchnorr } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { backupsToSql } from "../scripts/backups-to-sql.js";
import { call, createIdentity, createIdentityOnlyInBackup, randomDigest, signIn, signIntent } from "./helpers.js";
import { evervaultShape, legacyLocalShape, oldExport } from "./old-exports.js";

/** Runs the importer's SQL in D1 as `wrangler d1 execute --file` would, statement by statement in one batch. */
async function runSql(sql: string) {
  const statements = sql.split("\n").filter((line) => line.startsWith("INSERT"));
  await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
}

const backups = async (ids: string[]) =>
  (await env.DB.prepare(`SELECT identity_id, sealed_key FROM key_backups WHERE identity_id IN (${ids.map(() => "?").join(", ")}) ORDER BY identity_id`).bind(...ids).all<{ identity_id: string; sealed_key: string }>()).results;

describe("migrate:import-backups", () => {
  it("turns exported backups into SQL that D1 runs, after which the keys restore and sign", async () => {
    const { token } = await signIn();
    // Made before the signer restarted: the signer the Worker talks to has never held them.
    const identities = [await createIdentityOnlyInBackup(token), await createIdentityOnlyInBackup(token)];
    const ids = identities.map((i) => i.id);
    const result = backupsToSql(oldExport(await backups(ids)));
    expect(result).toMatchObject({ ok: true, count: 2, formats: { "v1.local": 2 } });
    if (!result.ok) return;

    // The new database has the identities but not their backups yet.
    await env.DB.prepare(`DELETE FROM key_backups WHERE identity_id IN (?, ?)`).bind(...ids).run();
    await runSql(result.sql);

    const digest = randomDigest();
    const intent = await signIntent(token, ids[0]!, digest);
    const signed = await call("POST", `/v1/identities/${ids[0]}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(verifySchnorr(identities[0]!.public_key, digest, signed.body.signature)).toBe(true);
  });

  it("runs twice without harm: an identity that has a backup by then keeps it", async () => {
    const { token } = await signIn();
    const ids = [(await createIdentity(token)).id, (await createIdentity(token)).id, (await createIdentity(token)).id].sort();
    const [current] = await backups([ids[2]!]);
    const legacyEvervault = evervaultShape();
    const exported = [
      { identity_id: ids[0]!, sealed_key: legacyLocalShape() },
      { identity_id: ids[1]!, sealed_key: JSON.stringify(legacyEvervault) },
      { identity_id: ids[2]!, sealed_key: current!.sealed_key },
    ];
    const result = backupsToSql(oldExport(exported));
    expect(result).toMatchObject({ ok: true, count: 3, formats: { "legacy local": 1, "legacy evervault": 1, "v1.local": 1 } });
    if (!result.ok) return;
    await env.DB.prepare(`DELETE FROM key_backups WHERE identity_id IN (?, ?, ?)`).bind(...ids).run();
    await runSql(result.sql);
    const imported = await backups(ids);
    // The old API kept Evervault's answer with its JSON quotes; D1 gets the ciphertext itself.
    expect(imported.map((b) => b.sealed_key)).toEqual([exported[0]!.sealed_key, legacyEvervault, current!.sealed_key]);
    await env.DB.prepare(`UPDATE key_backups SET sealed_key = ? WHERE identity_id = ?`).bind(current!.sealed_key + "-newer", ids[0]).run();
    await runSql(result.sql);
    expect((await backups(ids)).map((b) => b.sealed_key)).toEqual([current!.sealed_key + "-newer", legacyEvervault, current!.sealed_key]);
  });
});
