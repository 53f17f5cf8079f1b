/**
 * `pnpm migrate:import-backups <key-backups.json> [--out FILE]`: turns the old API's exported key
 * backups into SQL for `npx wrangler d1 execute clw-cash-db --file=FILE` (standard output without
 * `--out`). Every record is validated first; on any problem it prints them all, writes nothing
 * and exits 1. The identities the backups belong to must already be in D1. The SQL may be run
 * twice: an identity that already has a backup keeps it.
 */
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { backupsToSql, type ConversionResult } from "./backups-to-sql.js";

/** What the operator needs to know about the backups that were accepted. */
function summary(result: Extract<ConversionResult, { ok: true }>): string {
  const counts = Object.entries(result.formats).map(([format, n]) => `${n} ${format}`).join(", ");
  const notes = [`${result.count} backups: ${counts}`];
  if (result.formats["legacy local"]) notes.push("legacy local backups open only in a signer given LEGACY_SEALING_KEY (the old signer's SEALING_KEY)");
  if (result.formats["legacy evervault"]) notes.push("legacy Evervault backups open only in a signer in evervault mode, in the old signer's Evervault app");
  if (result.formats["legacy local"] || result.formats["legacy evervault"]) notes.push("each legacy backup is re-sealed in the current format on its first restore (audit: identity.reseal)");
  return notes.join("\n  ");
}

/** Writes next to the target and renames into place: never a partial file. */
async function writeWhole(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== "--"), allowPositionals: true, options: { out: { type: "string" } } });
  if (positionals.length !== 1) {
    console.error("usage: pnpm migrate:import-backups <key-backups.json> [--out FILE]");
    return 2;
  }
  const input = positionals[0]!;
  let text: string;
  try {
    text = await readFile(input, "utf8");
  } catch (error) {
    console.error(`cannot read ${input}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const result = backupsToSql(text);
  if (!result.ok) {
    console.error(`${input}: ${result.problems.length} problem(s), nothing written:\n${result.problems.map((p) => `  - ${p}`).join("\n")}`);
    return 1;
  }
  if (!values.out) {
    process.stdout.write(result.sql);
  } else {
    try {
      await writeWhole(values.out, result.sql);
    } catch (error) {
      console.error(`cannot write ${values.out}, nothing written: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  console.error(`${values.out ? `wrote ${values.out}` : "printed the SQL"}: ${summary(result)}`);
  return 0;
}

main().then((code) => (process.exitCode = code));
