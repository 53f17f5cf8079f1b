import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../stack/components.js";
import { evervaultShape, legacyLocalShape } from "../test/old-exports.js";

const dir = mkdtempSync(path.join(tmpdir(), "clw-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: string, sealed = `v1.local.${"Q".repeat(80)}`) => ({ identity_id: id, alg: "secp256k1", sealed_key: sealed, created_at: "2026-09-30T10:00:00.000Z", updated_at: "2026-10-01T11:00:00Z" });

function importBackups(file: string, ...args: string[]) {
  const run = spawnSync("pnpm", ["--silent", "migrate:import-backups", file, ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("pnpm migrate:import-backups", () => {
  it("prints SQL for a realistic export of old and current backups, or writes it with --out", () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const file = path.join(dir, "good.json");
    // The old signer's two formats, in shape: `iv:ciphertext:tag`, and Evervault's answer as the old API kept it (a JSON string).
    const sealed = [legacyLocalShape(), JSON.stringify(evervaultShape()), undefined];
    writeFileSync(file, JSON.stringify(Object.fromEntries(ids.map((id, i) => [id, record(id, sealed[i])])), null, 2));
    const printed = importBackups(file);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout.match(/^INSERT INTO key_backups/gm)).toHaveLength(3);
    for (const id of ids) expect(printed.stdout).toContain(`'${id}'`);
    expect(printed.stderr).toContain("3 backups: 1 legacy local, 1 legacy evervault, 1 v1.local");
    expect(printed.stderr).toMatch(/LEGACY_SEALING_KEY[\s\S]*evervault mode[\s\S]*re-sealed/);
    const out = path.join(dir, "good.sql");
    expect(importBackups(file, "--out", out).code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(printed.stdout);
  });

  it("refuses a broken export with a report of every problem and never writes a file", () => {
    const good = crypto.randomUUID();
    const bad = crypto.randomUUID();
    const file = path.join(dir, "broken.json");
    writeFileSync(file, JSON.stringify({ [good]: record(good), [bad]: record(bad, "ab".repeat(32)), "not-a-uuid": record("not-a-uuid") }));
    const out = path.join(dir, "broken.sql");
    const result = importBackups(file, "--out", out);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("nothing written");
    expect(result.stderr).toContain(`${bad}: sealed_key is a plaintext private key`);
    expect(result.stderr).not.toContain("ab".repeat(32));
    expect(result.stderr).toContain("not-a-uuid");
    expect(existsSync(out)).toBe(false);
    expect(importBackups(path.join(dir, "missing.json")).code).toBe(1);
  });
});
