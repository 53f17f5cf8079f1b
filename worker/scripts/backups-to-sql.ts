import { idSchema } from "@clw/shared";
import { z } from "zod";
import { classifyBackup, looksLikePlaintextKey, type BackupFormat } from "./backup-formats.js";

/**
 * One record of the old API's `key-backups.json` as its store wrote it: one JSON object keyed
 * by identity id, each value a `KeyBackup` (`JSON.stringify(Object.fromEntries(map), null, 2)`).
 */
const recordSchema = z.strictObject({
  identity_id: idSchema,
  alg: z.literal("secp256k1"),
  sealed_key: z.string(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
});

type BackupRecord = z.infer<typeof recordSchema> & { format: BackupFormat };

export type ConversionResult =
  | { ok: true; sql: string; count: number; formats: Partial<Record<BackupFormat, number>> }
  | { ok: false; problems: string[] };

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** How a record is named in the report: its key, unless that key looks like a private key. */
const label = (key: string, index: number) => (looksLikePlaintextKey(key) ? `record ${index + 1} (keyed by what looks like a private key)` : key);

/** Top-level keys that appear more than once in the raw JSON (JSON.parse would keep only the last). */
function duplicateKeys(text: string, keys: string[]): string[] {
  const asIdentityId = (key: string) => new RegExp(`"identity_id"\\s*:\\s*"${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`, "g");
  return keys.filter((key) => text.split(`"${key}"`).length - 1 > (text.match(asIdentityId(key))?.length ?? 0) + 1);
}

/** Seen identity ids and sealed keys, so a second record for either is named with the first. */
interface Seen {
  ids: Map<string, string>;
  sealed: Map<string, string>;
}

function checkRecord(name: string, key: string, value: unknown, seen: Seen): { problems: string[]; record?: BackupRecord } {
  // The old API's first backups held the key itself; name that instead of a list of field errors.
  if (typeof value === "object" && value !== null && "private_key" in value) {
    return { problems: [`${name}: holds a plaintext private_key, not a sealed backup: it is never imported (seal it with the old signer first)`] };
  }
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `${name}: ${issue.path.join(".") || "record"}: ${issue.message}`) };
  const problems: string[] = [];
  const id = parsed.data.identity_id.toLowerCase();
  if (parsed.data.identity_id !== key) problems.push(`${name}: identity_id ${parsed.data.identity_id} does not match its key`);
  const backup = classifyBackup(parsed.data.sealed_key);
  if (!backup.ok) problems.push(`${name}: sealed_key ${backup.problem}`);
  const other = seen.ids.get(id);
  if (other) problems.push(`${name}: identity ${parsed.data.identity_id} appears twice (also under ${other})`);
  seen.ids.set(id, name);
  if (!backup.ok) return { problems };
  const sameBackup = seen.sealed.get(backup.sealedKey);
  if (sameBackup) problems.push(`${name}: sealed_key is the same backup as ${sameBackup}'s`);
  seen.sealed.set(backup.sealedKey, name);
  return { problems, record: { ...parsed.data, identity_id: id, sealed_key: backup.sealedKey, format: backup.format } };
}

function toSql(records: BackupRecord[], formats: Partial<Record<BackupFormat, number>>): string {
  const summary = Object.entries(formats).map(([format, n]) => `${n} ${format}`).join(", ");
  const statements = records.map(
    (r) =>
      `INSERT INTO key_backups (identity_id, alg, sealed_key, created_at, updated_at) VALUES (${[r.identity_id, r.alg, r.sealed_key, r.created_at, r.updated_at].map(quote).join(", ")}) ON CONFLICT (identity_id) DO NOTHING;`,
  );
  return [
    `-- ${records.length} sealed key backups imported from the old API's key-backups.json (${summary}).`,
    "-- Safe to run again: an identity that already has a backup in D1 keeps it.",
    ...statements,
    "",
  ].join("\n");
}

/**
 * Turns the old API's exported key backups into SQL for `wrangler d1 execute --file`. Every
 * record is validated first: the old signer's two formats and the current ones are accepted;
 * a plaintext key, a malformed record, or a duplicate (identity or backup) is a problem. With
 * any problem there is no SQL at all, only the full list of problems (which never quote a key).
 */
export function backupsToSql(text: string): ConversionResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the text around the error: keep only where it is.
    const where = /position \d+/.exec(error instanceof Error ? error.message : "")?.[0];
    return { ok: false, problems: [`not valid JSON${where ? ` (at ${where})` : ""}`] };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return { ok: false, problems: ["expected one JSON object keyed by identity id"] };
  const entries = Object.entries(data);
  if (entries.length === 0) return { ok: false, problems: ["there are no records"] };
  const seen: Seen = { ids: new Map(), sealed: new Map() };
  const checked = entries.map(([key, value], i) => checkRecord(label(key, i), key, value, seen));
  const repeated = duplicateKeys(text, entries.map(([key]) => key)).map((key) => `${label(key, entries.findIndex(([k]) => k === key))}: appears more than once`);
  const problems = [...repeated, ...checked.flatMap((c) => c.problems)];
  if (problems.length) return { ok: false, problems };
  const records = checked.map((c) => c.record!);
  const formats: Partial<Record<BackupFormat, number>> = {};
  for (const r of records) formats[r.format] = (formats[r.format] ?? 0) + 1;
  return { ok: true, sql: toSql(records, formats), count: records.length, formats };
}
