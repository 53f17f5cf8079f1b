import { env } from "cloudflare:test";
import { verifySchnorr } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { backupsToSql } from "../scripts/backups-to-sql.js";
import { call, createIdentity, enclave, randomDigest, signIn, signIntent } from "./helpers.js";

/** The old API's export format: one object keyed by identity id. */
function oldExport(rows: { identity_id: string; sealed_key: string }[]) {
  return JSON.stringify(
    Object.fromEntries(rows.map((r) => [r.identity_id, { identity_id: r.identity_id, alg: "secp256k1", sealed_key: r.sealed_key, created_at: "2026-10-01T12:00:00.000Z", updated_at: "2026-10-02T08:30:00Z" }])),
    null,
    2,
  );
}

const SEALED = `v1.local.${"A".repeat(80)}`;

describe("migrate:import-backups", () => {
  it("turns exported backups into SQL that D1 runs, after which the keys restore and sign", async () => {
    const { token } = await signIn();
    const identities = [await createIdentity(token), await createIdentity(token)];
    const ids = identities.map((i) => i.id);
    const backups = await env.DB.prepare(`SELECT identity_id, sealed_key FROM key_backups WHERE identity_id IN (?, ?)`).bind(...ids).all<{ identity_id: string; sealed_key: string }>();
    const result = backupsToSql(oldExport(backups.results));
    expect(result).toMatchObject({ ok: true, count: 2 });
    if (!result.ok) return;

    // The new database has the identities but not their backups yet; the enclave has restarted.
    await env.DB.prepare(`DELETE FROM key_backups WHERE identity_id IN (?, ?)`).bind(...ids).run();
    for (const id of ids) await enclave("/v1/keys/destroy", { identity_id: id });
    const statements = result.sql.split("\n").filter((line) => line.startsWith("INSERT"));
    await env.DB.batch(statements.map((s) => env.DB.prepare(s)));

    const digest = randomDigest();
    const intent = await signIntent(token, ids[0]!, digest);
    const signed = await call("POST", `/v1/identities/${ids[0]}/sign`, { token, body: { digest, ticket: intent.ticket } });
    expect(verifySchnorr(identities[0]!.public_key, digest, signed.body.signature)).toBe(true);
  });

  it("refuses sealed keys with characters outside their format, so no record can carry SQL", () => {
    const id = crypto.randomUUID();
    const evil = { [id]: { identity_id: id, alg: "secp256k1", sealed_key: `v1.evervault.ev:abc'); DROP TABLE users; --`, created_at: "2026-10-01T12:00:00Z", updated_at: "2026-10-01T12:00:00Z" } };
    const result = backupsToSql(JSON.stringify(evil));
    expect(result.ok).toBe(false);
  });

  it("refuses malformed input with a report naming every problem, and writes no SQL", () => {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    const record = (id: string, extra: Record<string, unknown> = {}) => ({ identity_id: id, alg: "secp256k1", sealed_key: SEALED, created_at: "2026-10-01T12:00:00Z", updated_at: "2026-10-01T12:00:00Z", ...extra });
    const cases: [string, RegExp][] = [
      ["{not json", /not valid JSON/],
      ["[]", /one JSON object/],
      ["{}", /no records/],
      [JSON.stringify({ [a]: record(b) }), /does not match its key/],
      [JSON.stringify({ "not-a-uuid": record("not-a-uuid") }), /identity_id: must be a UUID/],
      [JSON.stringify({ [a]: record(a, { alg: "ed25519" }) }), /alg/],
      [JSON.stringify({ [a]: record(a, { sealed_key: "ab".repeat(32) }) }), /plaintext private key/],
      [JSON.stringify({ [a]: record(a, { sealed_key: "v1.local.short" }) }), /not a sealed backup/],
      [JSON.stringify({ [a]: record(a, { created_at: "yesterday" }) }), /created_at/],
      [JSON.stringify({ [a]: record(a, { extra: 1 }) }), /extra/],
      [JSON.stringify({ [a]: record(a), [a.toUpperCase()]: record(a.toUpperCase()) }), /appears twice/],
      [`{"${a}": ${JSON.stringify(record(a))}, "${a}": ${JSON.stringify(record(a))}}`, /appears more than once/],
    ];
    for (const [input, problem] of cases) {
      const result = backupsToSql(input);
      expect(result.ok, input.slice(0, 60)).toBe(false);
      if (!result.ok) expect(result.problems.join("\n"), input.slice(0, 60)).toMatch(problem);
    }
    const mixed = backupsToSql(JSON.stringify({ [a]: record(a), [b]: record(b, { alg: "rsa" }) }));
    expect(mixed).toMatchObject({ ok: false, problems: [expect.stringContaining(b)] });
  });
});
