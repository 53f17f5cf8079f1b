import { idSchema } from "@clw/shared";
import { z } from "zod";

/** One record of the old API's `key-backups.json`, keyed by identity id. */
const recordSchema = z.strictObject({
  identity_id: idSchema,
  alg: z.literal("secp256k1"),
  sealed_key: z.string(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
});

/** Sealed backups as the signer writes them; anything else (e.g. a plaintext key) is refused. */
const SEALED = [/^v1\.local\.[A-Za-z0-9_-]{80}$/, /^v1\.evervault\.ev:[A-Za-z0-9:+/=_-]{20,2048}$/];

export type ConversionResult = { ok: true; sql: string; count: number } | { ok: false; problems: string[] };

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Top-level keys that appear more than once in the raw JSON (JSON.parse would keep only the last). */
function duplicateKeys(text: string, keys: string[]): string[] {
  return keys.filter((key) => text.split(`"${key}"`).length - 1 > (text.match(new RegExp(`"identity_id"\\s*:\\s*"${key}"`, "g"))?.length ?? 0) + 1);
}

function checkRecord(key: string, value: unknown, seen: Map<string, string>): string[] {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${key}: ${issue.path.join(".") || "record"}: ${issue.message}`);
  const record = parsed.data;
  const problems: string[] = [];
  if (record.identity_id !== key) problems.push(`${key}: identity_id ${record.identity_id} does not match its key`);
  if (!SEALED.some((re) => re.test(record.sealed_key))) {
    const looksPlain = /^(0x)?[0-9a-fA-F]{64}$/.test(record.sealed_key);
    problems.push(`${key}: sealed_key is not a sealed backup${looksPlain ? " (it looks like a plaintext private key: re-seal it in the signer first)" : ""}`);
  }
  const other = seen.get(record.identity_id.toLowerCase());
  if (other) problems.push(`${key}: identity ${record.identity_id} appears twice (also under ${other})`);
  seen.set(record.identity_id.toLowerCase(), key);
  return problems;
}

/**
 * Turns the old API's exported key backups (one JSON object keyed by identity id) into SQL for
 * `wrangler d1 execute --file`. Every record is validated first; with any problem there is no
 * SQL at all, only the full list of problems.
 */
export function backupsToSql(text: string): ConversionResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return { ok: false, problems: ["expected one JSON object keyed by identity id"] };
  const entries = Object.entries(data);
  if (entries.length === 0) return { ok: false, problems: ["there are no records"] };
  const seen = new Map<string, string>();
  const problems = [...duplicateKeys(text, entries.map(([key]) => key)).map((key) => `${key}: appears more than once`), ...entries.flatMap(([key, value]) => checkRecord(key, value, seen))];
  if (problems.length) return { ok: false, problems };
  const rows = entries.map(([, value]) => recordSchema.parse(value));
  const statements = rows.map(
    (r) =>
      `INSERT INTO key_backups (identity_id, alg, sealed_key, created_at, updated_at) VALUES (${[r.identity_id.toLowerCase(), r.alg, r.sealed_key, r.created_at, r.updated_at].map(quote).join(", ")});`,
  );
  const sql = [`-- ${rows.length} sealed key backups imported from the old API's key-backups.json`, ...statements, ""].join("\n");
  return { ok: true, sql, count: rows.length };
}
