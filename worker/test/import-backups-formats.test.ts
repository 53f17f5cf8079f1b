import { describe, expect, it } from "vitest";
import { backupsToSql } from "../scripts/backups-to-sql.js";
import { currentLocalShape, evervaultShape, legacyLocalShape, OLD_API_FILE, oldExport } from "./old-exports.js";

const hexKey = "1f".repeat(32);
const id = () => crypto.randomUUID();

function problemsOf(text: string): string {
  const result = backupsToSql(text);
  expect(result.ok, text.slice(0, 80)).toBe(false);
  return result.ok ? "" : result.problems.join("\n");
}

describe("migrate:import-backups: what it accepts", () => {
  it("the old API's own key-backups.json, byte for byte", () => {
    const result = backupsToSql(OLD_API_FILE);
    expect(result).toMatchObject({ ok: true, count: 1, formats: { "legacy local": 1 } });
    if (!result.ok) return;
    expect(result.sql).toContain("'f39fcda5-fe6e-4d7f-a465-da76a948ce5f', 'secp256k1', '14cc301b3c264e571f0108d0:f4ff59ca");
    expect(result.sql).toContain("'2026-02-14T22:34:02.967Z', '2026-02-14T22:34:02.967Z') ON CONFLICT (identity_id) DO NOTHING;");
  });

  it("an export mixing both legacy formats (Evervault's with or without the quotes the old API kept) and the current ones", () => {
    const quoted = evervaultShape();
    const rows = [
      { identity_id: id(), sealed_key: legacyLocalShape() },
      { identity_id: id(), sealed_key: legacyLocalShape().toUpperCase() },
      { identity_id: id(), sealed_key: JSON.stringify(quoted) },
      { identity_id: id(), sealed_key: evervaultShape(120) },
      { identity_id: id(), sealed_key: currentLocalShape() },
      { identity_id: id(), sealed_key: `v1.evervault.${evervaultShape(200)}` },
      { identity_id: id(), sealed_key: "v1.evervault.ev:fake:" + "A".repeat(40) },
    ];
    const result = backupsToSql(oldExport(rows));
    expect(result).toMatchObject({ ok: true, count: 7, formats: { "legacy local": 2, "legacy evervault": 2, "v1.local": 1, "v1.evervault": 2 } });
    if (!result.ok) return;
    expect(result.sql.match(/^INSERT INTO key_backups .* ON CONFLICT \(identity_id\) DO NOTHING;$/gm)).toHaveLength(7);
    expect(result.sql).toContain(`'${quoted}'`);
    expect(result.sql).not.toContain(`"${quoted}"`);
  });
});

describe("migrate:import-backups: what it refuses", () => {
  it("plaintext keys in every shape, without ever repeating them", () => {
    const plaintexts = [hexKey, `0x${hexKey}`, hexKey.toUpperCase(), JSON.stringify(hexKey), ` ${hexKey}\n`, "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn", `nsec1${"q".repeat(58)}`];
    for (const sealed of plaintexts) {
      const report = problemsOf(oldExport([{ identity_id: id(), sealed_key: sealed }]));
      expect(report).toMatch(/plaintext private key/);
      expect(report).not.toContain(sealed.trim());
    }
    // The old API's very first backups held the key itself, in a private_key field.
    const early = oldExport([{ identity_id: id(), sealed_key: undefined as never, private_key: hexKey }]);
    expect(problemsOf(early)).toMatch(/plaintext private_key/);
    expect(problemsOf(early)).not.toContain(hexKey);
    expect(problemsOf(JSON.stringify({ [hexKey]: { identity_id: hexKey } }))).not.toContain(hexKey);
  });

  it("legacy local backups of the wrong size, and Evervault strings that are not ciphertexts", () => {
    const cases: Array<[string, RegExp]> = [
      [legacyLocalShape([16, 64, 16]), /wrong size.*found 32, 128, 32/],
      [legacyLocalShape([12, 32, 16]), /wrong size/],
      [legacyLocalShape([12, 64, 12]), /wrong size/],
      [`${legacyLocalShape()}0`, /wrong size/],
      ["ev:", /not a well-formed Evervault ciphertext/],
      ["ev:Tk9D:short:$", /not a well-formed Evervault ciphertext/],
      [`ev:Tk9D:${"A".repeat(20)}:${"B".repeat(20)} ; DROP TABLE users`, /not a well-formed Evervault ciphertext/],
      [`"${evervaultShape()}`, /not a sealed backup in any known format/],
      ["v1.local.short", /not a well-formed v1.local/],
      ["v1.evervault.ev:abc'); DROP TABLE users; --", /not a well-formed v1.evervault/],
      ["sealed-by-someone-else", /not a sealed backup in any known format/],
    ];
    for (const [sealed, problem] of cases) expect(problemsOf(oldExport([{ identity_id: id(), sealed_key: sealed }])), sealed).toMatch(problem);
  });

  it("malformed input and records, with a report naming every problem", () => {
    const a = id();
    const b = id();
    const record = (key: string, extra: Record<string, unknown> = {}) => ({ identity_id: key, alg: "secp256k1", sealed_key: legacyLocalShape(), created_at: "2026-10-01T12:00:00Z", updated_at: "2026-10-01T12:00:00Z", ...extra });
    const cases: [string, RegExp][] = [
      ["{not json", /not valid JSON \(at position 1\)/],
      ["[]", /one JSON object/],
      ["{}", /no records/],
      [JSON.stringify({ [a]: record(b) }), /does not match its key/],
      [JSON.stringify({ "not-a-uuid": record("not-a-uuid") }), /identity_id: must be a UUID/],
      [JSON.stringify({ "a(b": record("a(b") }), /identity_id: must be a UUID/],
      [JSON.stringify({ [a]: record(a, { alg: "ed25519" }) }), /alg/],
      [JSON.stringify({ [a]: record(a, { created_at: "yesterday" }) }), /created_at/],
      [JSON.stringify({ [a]: record(a, { extra: 1 }) }), /extra/],
      [JSON.stringify({ [a]: record(a), [a.toUpperCase()]: record(a.toUpperCase()) }), /appears twice/],
      [`{"${a}": ${JSON.stringify(record(a))}, "${a}": ${JSON.stringify(record(a))}}`, /appears more than once/],
      [JSON.stringify({ [a]: record(a, { sealed_key: "ab:cd:ef" }), [b]: record(b, { sealed_key: "ab:cd:ef" }) }), /wrong size/],
    ];
    for (const [input, problem] of cases) expect(problemsOf(input), input.slice(0, 60)).toMatch(problem);
    const copy = legacyLocalShape();
    expect(problemsOf(JSON.stringify({ [a]: record(a, { sealed_key: copy }), [b]: record(b, { sealed_key: copy }) }))).toBe(`${b}: sealed_key is the same backup as ${a}'s`);
  });

  it("with one bad record among good ones: only the bad one is named, and there is no SQL", () => {
    const good = [id(), id()];
    const bad = [id(), id()];
    const result = backupsToSql(oldExport([
      { identity_id: good[0]!, sealed_key: legacyLocalShape() },
      { identity_id: bad[0]!, sealed_key: hexKey },
      { identity_id: good[1]!, sealed_key: evervaultShape() },
      { identity_id: bad[1]!, sealed_key: legacyLocalShape([12, 32, 16]), alg: "rsa" },
    ]));
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining(bad[0]!), expect.stringContaining(bad[1]!)] });
    expect("sql" in result).toBe(false);
  });
});
