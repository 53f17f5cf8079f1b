/** `pnpm secrets:local`: the local secret files for running the Worker and the signer on their own. */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../stack/components.js";
import { runCommand } from "../stack/processes.js";
import { parseEnvFile } from "../stack/secrets.js";

let root: string;
const devVars = () => path.join(root, ".dev.vars");
const enclaveEnvLocal = () => path.join(root, "enclave", ".env.local");
const read = async (file: string) => parseEnvFile(await readFile(file, "utf8"));
const secretsLocal = () => runCommand({ name: "secrets:local", command: "pnpm", args: ["secrets:local", root], cwd: REPO_ROOT, env: process.env });

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "clw-secrets-"));
  await mkdir(path.join(root, "enclave"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("pnpm secrets:local", () => {
  it("creates both files with matching random secrets, readable by their owner only", async () => {
    const out = await secretsLocal();
    expect(out).toMatch(/\.dev\.vars: created/);
    expect(out).toMatch(/enclave\/\.env\.local: created/);
    const worker = await read(devVars());
    const enclave = await read(enclaveEnvLocal());
    expect(Object.keys(worker).sort()).toEqual(["INTERNAL_API_KEY", "SESSION_SIGNING_SECRET", "TICKET_SIGNING_SECRET"]);
    expect(enclave).toMatchObject({ INTERNAL_API_KEY: worker.INTERNAL_API_KEY, TICKET_SIGNING_SECRET: worker.TICKET_SIGNING_SECRET, SEALING_MODE: "local" });
    expect(enclave.ENCLAVE_SEALING_KEY).toMatch(/^[0-9a-f]{64}$/);
    for (const file of [devVars(), enclaveEnvLocal()]) expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("never overwrites: a second run keeps both files as they are", async () => {
    await secretsLocal();
    const before = await Promise.all([readFile(devVars(), "utf8"), readFile(enclaveEnvLocal(), "utf8")]);
    const out = await secretsLocal();
    expect(out).toMatch(/\.dev\.vars: kept/);
    expect(out).toMatch(/enclave\/\.env\.local: kept/);
    expect(await Promise.all([readFile(devVars(), "utf8"), readFile(enclaveEnvLocal(), "utf8")])).toEqual(before);
  });

  it("gives the signer the Worker's shared secrets when only .dev.vars exists", async () => {
    const mine = "TELEGRAM_BOT_TOKEN=\nINTERNAL_API_KEY=my-internal-key-0123456789\nTICKET_SIGNING_SECRET=my-ticket-secret-0123456789\n";
    await writeFile(devVars(), mine);
    await secretsLocal();
    expect(await readFile(devVars(), "utf8")).toBe(mine);
    expect(await read(enclaveEnvLocal())).toMatchObject({ INTERNAL_API_KEY: "my-internal-key-0123456789", TICKET_SIGNING_SECRET: "my-ticket-secret-0123456789" });
  });
});
