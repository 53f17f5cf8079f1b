import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand, startProcess, waitForHttp, type ManagedProcess } from "./processes.js";

/** The monorepo root (where wrangler.toml and the root node_modules live). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const WRANGLER = path.join(REPO_ROOT, "node_modules", ".bin", "wrangler");
const D1_NAME = "clw-cash-db";
const READY_TIMEOUT_MS = 45_000;

/** Environment for every wrangler invocation: no telemetry, no network lookups, no colours. */
export function wranglerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    FORCE_COLOR: "0",
  };
  // Secrets must come only from the file we point wrangler at, never from this shell.
  delete env.CLOUDFLARE_INCLUDE_PROCESS_ENV;
  return env;
}

/**
 * Applies the D1 migrations locally, like `npx wrangler d1 migrations apply clw-cash-db --local`,
 * into `persistDir` when given (else wrangler's default `.wrangler/state`).
 * @throws with wrangler's output when it fails.
 */
export async function applyMigrations(persistDir?: string): Promise<void> {
  const args = ["d1", "migrations", "apply", D1_NAME, "--local"];
  if (persistDir) args.push("--persist-to", persistDir);
  await runCommand({ name: "migrations", command: WRANGLER, args, cwd: REPO_ROOT, env: { ...wranglerEnv(), CI: "1" } }, 120_000);
}

/**
 * Runs SQL against the local D1 state in `persistDir`, like
 * `npx wrangler d1 execute clw-cash-db --local --file=FILE` or `--command="SQL"`.
 * @returns the rows of the last statement.
 * @throws with wrangler's output when it fails (the whole file is then rolled back).
 */
export async function executeLocalD1(persistDir: string, sql: { file: string } | { command: string }): Promise<Record<string, unknown>[]> {
  const args = ["d1", "execute", D1_NAME, "--local", "--persist-to", persistDir, "--json"];
  args.push(...("file" in sql ? ["--file", sql.file] : ["--command", sql.command]));
  const out = await runCommand({ name: "d1", command: WRANGLER, args, cwd: REPO_ROOT, env: { ...wranglerEnv(), CI: "1" } }, 120_000);
  // Wrangler's notices share the output with the JSON answer: take the JSON array alone.
  const json = /^\[$[\s\S]*^\]$/m.exec(out)?.[0];
  const answers = json ? (JSON.parse(json) as Array<{ results?: Record<string, unknown>[] }>) : [];
  return answers.at(-1)?.results ?? [];
}

export interface WranglerDevOptions {
  /** Another wrangler.toml than the root's (e.g. a benchmark's own Worker). */
  config?: string;
  port: number;
  inspectorPort?: number;
  persistDir?: string;
  /** A dotenv file with the secrets; when given, wrangler ignores the root `.dev.vars`. */
  envFile?: string;
  vars?: Record<string, string>;
  stream?: boolean;
  logLines?: number;
}

/**
 * Starts `wrangler dev` for the root wrangler.toml on 127.0.0.1 and waits for `GET /health` → 200.
 * @throws with the log tail if it exits early or is not ready within 45 s (the process is stopped).
 */
export async function startWranglerDev(options: WranglerDevOptions): Promise<ManagedProcess> {
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(options.port), "--show-interactive-dev-session=false"];
  if (options.config) args.push("--config", options.config);
  if (options.inspectorPort) args.push("--inspector-port", String(options.inspectorPort));
  if (options.persistDir) args.push("--persist-to", options.persistDir);
  if (options.envFile) args.push("--env-file", options.envFile);
  for (const [key, value] of Object.entries(options.vars ?? {})) args.push("--var", `${key}:${value}`);
  const proc = await startProcess({ name: "api", command: WRANGLER, args, cwd: REPO_ROOT, env: wranglerEnv(), stream: options.stream, logLines: options.logLines });
  return readyOrStopped(proc, `http://127.0.0.1:${options.port}/health`);
}

export interface EnclaveOptions {
  /** Explicit variables; with `useEnvLocal` they are layered over `enclave/.env.local`. */
  env: Record<string, string>;
  port: number;
  /** Read `enclave/.env.local` like `pnpm --filter ./enclave start` does. */
  useEnvLocal?: boolean;
  stream?: boolean;
  logLines?: number;
}

/**
 * Starts the enclave signer (`node --import tsx src/main.ts` in enclave/) on 127.0.0.1 and waits
 * for `GET /health` → 200.
 * @throws with the log tail if it exits early or is not ready within 45 s (the process is stopped).
 */
export async function startEnclave(options: EnclaveOptions): Promise<ManagedProcess> {
  const args = options.useEnvLocal ? ["--env-file-if-exists=.env.local"] : [];
  args.push("--import", "tsx", "src/main.ts");
  const env = { ...process.env, ...options.env, ENCLAVE_HOST: "127.0.0.1", ENCLAVE_PORT: String(options.port) };
  const cwd = path.join(REPO_ROOT, "enclave");
  const proc = await startProcess({ name: "enclave", command: process.execPath, args, cwd, env, stream: options.stream, logLines: options.logLines });
  return readyOrStopped(proc, `http://127.0.0.1:${options.port}/health`);
}

async function readyOrStopped(proc: ManagedProcess, healthUrl: string): Promise<ManagedProcess> {
  try {
    await waitForHttp(healthUrl, READY_TIMEOUT_MS, proc);
    return proc;
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
