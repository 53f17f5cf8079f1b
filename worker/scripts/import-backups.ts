/**
 * `pnpm migrate:import-backups <key-backups.json> [--out FILE]`: turns the old API's exported key
 * backups into SQL for `npx wrangler d1 execute clw-cash-db --file=FILE` (standard output without
 * `--out`). Every record is validated first; on any problem it prints them all, writes nothing
 * and exits 1. The identities the backups belong to must already be in D1.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { backupsToSql } from "./backups-to-sql.js";

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
    // Written next to the target and renamed into place: never a partial file.
    const temp = `${values.out}.tmp-${process.pid}`;
    await writeFile(temp, result.sql, { mode: 0o600 });
    await rename(temp, values.out);
    console.error(`wrote ${result.count} backups to ${values.out}`);
  }
  return 0;
}

main().then((code) => (process.exitCode = code));
