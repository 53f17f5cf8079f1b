/**
 * docs/RUNBOOK.md, exercised: every command in its bash blocks must match a rule here, and each
 * rule runs the command locally (`--local`, `--dry-run`, the local Bot API) or checks what it
 * names against the repository. A command this file does not know fails the test.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { REPO_ROOT, wranglerEnv } from "../stack/components.js";
import { startFakeTelegram } from "../stack/fake-telegram.js";
import { startLocalStack, type LocalStack } from "../stack/local-stack.js";
import { runCommand } from "../stack/processes.js";

const WRANGLER = path.join(REPO_ROOT, "node_modules", ".bin", "wrangler");
let stack: LocalStack;
let work: string;
let state: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "clw-runbook-"));
  state = path.join(work, "state");
  stack = await startLocalStack({ persistDir: state });
});

afterAll(async () => {
  await stack?.stop();
  await rm(work, { recursive: true, force: true });
});

/** The runbook's commands: bash blocks, comments and variable assignments left out. */
async function runbookCommands(): Promise<string[]> {
  const text = await readFile(path.join(REPO_ROOT, "docs", "RUNBOOK.md"), "utf8");
  const blocks = [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const assignment = (l: string) => /^[A-Z_]+=/.test(l) && !/\b(pnpm|npx)\b/.test(l);
  return blocks.flatMap((block) => block.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#") && !assignment(l)));
}

const wrangler = (args: string[], env: NodeJS.ProcessEnv = wranglerEnv()) => runCommand({ name: "wrangler", command: WRANGLER, args, cwd: REPO_ROOT, env: { ...env, CI: "1" } }, 120_000);
const pnpm = (args: string[], env: NodeJS.ProcessEnv = process.env) => runCommand({ name: "pnpm", command: "pnpm", args, cwd: REPO_ROOT, env }, 120_000);
const toml = () => readFile(path.join(REPO_ROOT, "wrangler.toml"), "utf8");
/** wrangler.toml as wrangler reads it: the dev Worker (top level) or `env.production`. */
const workerConfig = (env?: "production") => unstable_readConfig({ config: path.join(REPO_ROOT, "wrangler.toml"), env });

/** The D1 and KV ids the dev Worker and production use, per binding; none may be shared. */
function expectOwnResources() {
  const [dev, production] = [workerConfig(), workerConfig("production")];
  const ids = (config: ReturnType<typeof workerConfig>) =>
    Object.fromEntries([
      ...config.d1_databases.map((d: { binding: string; database_id?: string }) => [d.binding, d.database_id]),
      ...config.kv_namespaces.map((k: { binding: string; id?: string }) => [k.binding, k.id]),
    ]);
  const [devIds, productionIds] = [ids(dev), ids(production)];
  expect(Object.keys(devIds).sort()).toEqual(["DB", "KV_RATE_LIMIT", "KV_TICKETS"]);
  expect(Object.keys(productionIds).sort()).toEqual(Object.keys(devIds).sort());
  for (const id of Object.values(devIds)) expect(Object.values(productionIds), `dev id ${id} is also production's`).not.toContain(id);
}
const workerEnvSource = () => readFile(path.join(REPO_ROOT, "worker", "src", "env.ts"), "utf8");
const rootScripts = async () => JSON.parse(await readFile(path.join(REPO_ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
const scriptsOf = async (pkg: string) => JSON.parse(await readFile(path.join(REPO_ROOT, pkg, "package.json"), "utf8")).scripts as Record<string, string>;

/** `--remote` / `--env production` run against the local state instead. */
const localised = (args: string[]) => [...args.filter((a) => a !== "--remote" && a !== "--env" && a !== "production"), "--local", "--persist-to", state];

type Rule = [RegExp, (command: string, match: RegExpMatchArray) => Promise<void>];

const RULES: Rule[] = [
  // Production's database and namespaces, and the dev Worker's own (`-dev`, `_DEV`): every
  // environment binds them under the same names, with ids of its own.
  [/^npx wrangler d1 create (clw-cash-db)(-dev)?$/, async (_, m) => {
    expect((await toml()).match(new RegExp(`binding = "DB"\\s*\\ndatabase_name = "${m[1]}"`, "g"))).toHaveLength(2);
    expect(await toml()).toContain(m[2] ? "npx wrangler d1 create clw-cash-db-dev" : "npx wrangler d1 create clw-cash-db`");
    expectOwnResources();
  }],
  [/^npx wrangler kv namespace create (KV_TICKETS|KV_RATE_LIMIT)(_DEV)?$/, async (_, m) => {
    expect((await toml()).match(new RegExp(`binding = "${m[1]}"`, "g"))).toHaveLength(2);
    expect(await toml()).toContain(`${m[1]}${m[2] ?? ""}`);
    expectOwnResources();
  }],
  [/^npx wrangler d1 migrations apply clw-cash-db (.+)$/, async (_, m) => void (await wrangler(["d1", "migrations", "apply", "clw-cash-db", ...localised(m[1]!.split(" "))]))],
  [/^echo .* \| npx wrangler secret put (\w+)( --env production)?$/, async (_, m) => expect(await workerEnvSource()).toContain(`${m[1]}?: string;`)],
  [/^npx wrangler secret (put|delete) (\w+) --env production$/, async (_, m) => expect(await workerEnvSource()).toContain(`${m[2]}?: string;`)],
  [/^npx wrangler deploy( --env production)?$/, async (_, m) => {
    const env = m[1] ? ["--env", "production"] : [];
    const out = await wrangler(["deploy", "--dry-run", "--outdir", path.join(work, `dist${m[1] ? "-production" : ""}`), ...env]);
    expect(out).toMatch(/--dry-run: exiting now/);
    // Production is its own Worker and can never run in test mode.
    expect(out).toContain(m[1] ? 'env.ENVIRONMENT ("production")' : 'env.ENVIRONMENT ("development")');
    if (m[1]) expect(out).toContain('env.ALLOW_TEST_AUTH ("false")');
  }],
  [/^TELEGRAM_BOT_TOKEN=\S+ TELEGRAM_WEBHOOK_SECRET=\S+ WEBHOOK_URL=(\S+) MINIAPP_URL=(\S+) pnpm telegram:setup$/, async (_, m) => {
    const token = "321:runbook-token";
    const telegram = await startFakeTelegram(token);
    try {
      await pnpm(["telegram:setup"], { ...process.env, TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: "runbook-secret-0123456789", WEBHOOK_URL: m[1], MINIAPP_URL: m[2], TELEGRAM_API_ROOT: telegram.apiRoot });
      expect(telegram.calls().map((c) => c.method)).toEqual(["setWebhook", "setMyCommands", "setChatMenuButton", "getWebhookInfo"]);
    } finally {
      await telegram.close();
    }
  }],
  [/^pnpm --filter \.\/miniapp build$/, async () => {
    await pnpm(["--filter", "./miniapp", "build"]);
    expect(existsSync(path.join(REPO_ROOT, "miniapp", "dist", "index.html"))).toBe(true);
  }],
  [/^npx wrangler pages deploy (\S+) --project-name=clw-cash-web$/, async (_, m) => expect(m[1]).toBe("miniapp/dist")],
  [/^pnpm (dev|telegram:setup|migrate:import-backups)$/, async (_, m) => expect(await rootScripts()).toHaveProperty(m[1]!)],
  [/^pnpm secrets:local$/, async () => {
    // Into a scratch root: the real one may hold a developer's secrets (never overwritten anyway).
    await mkdir(path.join(work, "enclave"), { recursive: true });
    const out = await pnpm(["secrets:local", work]);
    expect(out).toMatch(/\.dev\.vars: created/);
    expect(out).toMatch(/enclave\/\.env\.local: created/);
  }],
  [/^npx wrangler dev$/, async () => expect(await toml()).toMatch(/^main = "worker\/src\/index.ts"$/m)],
  [/^pnpm --filter \.\/(enclave|miniapp) (start|dev)$/, async (_, m) => expect(await scriptsOf(m[1]!)).toHaveProperty(m[2]!)],
  [/^curl "?https:\/\/api\.clw\.cash(\/health(\?deep=1)?)"?$/, async (_, m) => {
    const res = await fetch(`${stack.apiUrl}${m[1]}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, service: "api" });
  }],
  [/^npx wrangler tail( --env production)?$/, async () => expect(await toml()).toMatch(/^name = "clw-cash-api-dev"$/m)],
  [/^npx wrangler d1 execute clw-cash-db (.*)--command="(.+)"$/, async (_, m) => {
    const out = await wrangler(["d1", "execute", "clw-cash-db", ...localised(m[1]!.trim().split(" ")), "--command", m[2]!, "--json"]);
    expect(out).toContain("count(*)");
  }],
  [/^npx wrangler kv key list --binding=(\w+) (.*)$/, async (_, m) => void (await wrangler(["kv", "key", "list", "--binding", m[1]!, ...localised(m[2]!.split(" "))]))],
  [/^npx wrangler rollback --env production$/, async () => expect(await toml()).toMatch(/\[env\.production\]\nname = "clw-cash-api"/)],
  [/^pnpm migrate:import-backups (\S+) --out (\S+)$/, async () => {
    const id = crypto.randomUUID();
    const file = path.join(work, "key-backups.json");
    const record = { identity_id: id, alg: "secp256k1", sealed_key: `v1.local.${"A".repeat(80)}`, created_at: "2026-10-01T12:00:00Z", updated_at: "2026-10-01T12:00:00Z" };
    await writeFile(file, JSON.stringify({ [id]: record }));
    await pnpm(["migrate:import-backups", file, "--out", path.join(work, "migration.sql")]);
    expect(await readFile(path.join(work, "migration.sql"), "utf8")).toContain(`INSERT INTO key_backups`);
  }],
  [/^npx wrangler d1 execute clw-cash-db --env production --remote --file=(\S+)$/, async () => {
    // The file from the rule above: it names an identity this fresh database does not have, so D1 must refuse it whole.
    const failure = await wrangler(["d1", "execute", "clw-cash-db", ...localised([]), "--file", path.join(work, "migration.sql")]).catch((e: Error) => e.message);
    expect(failure).toMatch(/FOREIGN KEY/i);
  }],
  [/^ENCLAVE_URL=(\S+) INTERNAL_API_KEY=\S+ EV_APP_ID=\S+ EV_API_KEY=\S+ EV_ATTESTATION_PCR0=\S+ EV_ATTESTATION_PCR1=\S+ EV_ATTESTATION_PCR2=\S+ pnpm --filter \.\/enclave check$/, async (_, m) => {
    const { EV_ATTESTATION_PCR0: _a, EV_ATTESTATION_PCR1: _b, EV_ATTESTATION_PCR2: _c, ...env } = process.env;
    // Without the expectations, the enclave host itself is refused; the local signer answers.
    const refused = await pnpm(["--filter", "./enclave", "check"], { ...env, ENCLAVE_URL: m[1] }).catch((e: Error) => e.message);
    expect(refused).toMatch(/set EV_ATTESTATION_PCR0/);
    const out = await pnpm(["--filter", "./enclave", "check"], { ...env, ENCLAVE_URL: stack.enclaveUrl, INTERNAL_API_KEY: stack.secrets.INTERNAL_API_KEY });
    expect(out).toMatch(/health: 200/);
    expect(out).toMatch(/internal API key: accepted/);
  }],
];

/** Every var and secret the Worker reads, from the `Env` interface in worker/src/env.ts. */
async function workerSettings(): Promise<string[]> {
  return [...(await workerEnvSource()).matchAll(/^  ([A-Z][A-Z0-9_]+)\?: string;$/gm)].map((m) => m[1]!);
}

describe("docs/RUNBOOK.md", () => {
  it("every command in it is known and works against this repository", async () => {
    const commands = await runbookCommands();
    expect(commands.length).toBeGreaterThan(25);
    const unknown = commands.filter((c) => !RULES.some(([re]) => re.test(c)));
    expect(unknown, "commands the runbook test does not know").toEqual([]);
    for (const command of commands) {
      const [re, exercise] = RULES.find(([r]) => r.test(command))!;
      await exercise(command, command.match(re)!);
    }
  }, 600_000);

  it("and the README name every var and secret the Worker reads", async () => {
    const names = await workerSettings();
    expect(names).toEqual(expect.arrayContaining(["BITCOIN_NETWORK", "MAX_IDENTITIES_PER_USER", "MAX_PENDING_REQUESTS_PER_USER"]));
    for (const doc of ["docs/RUNBOOK.md", "README.md"]) {
      const text = await readFile(path.join(REPO_ROOT, doc), "utf8");
      expect(names.filter((name) => !text.includes(`\`${name}\``)), `settings ${doc} does not name`).toEqual([]);
    }
  });

  it("lists every var with a default in wrangler.toml, for the dev Worker and for production alike", async () => {
    const runbook = await readFile(path.join(REPO_ROOT, "docs", "RUNBOOK.md"), "utf8");
    const table = runbook.slice(runbook.indexOf("### Worker vars"), runbook.indexOf("### Worker secrets"));
    const withDefault = [...table.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \|/gm)].filter((m) => !m[2]!.trim().startsWith("unset")).map((m) => m[1]!);
    expect(withDefault.length).toBeGreaterThan(15);
    for (const env of [undefined, "production"] as const) {
      const vars = workerConfig(env).vars;
      expect(withDefault.filter((name) => !(name in vars)), `vars missing from ${env ?? "the top level"} of wrangler.toml`).toEqual([]);
    }
  });

  it("the dev Worker and production have D1 and KV ids of their own", () => {
    expectOwnResources();
  });
});
