import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyMigrations, executeLocalD1, startEnclave, startWranglerDev } from "./components.js";
import { groupResidentBytes } from "./group-memory.js";
import { findFreePort, type ManagedProcess } from "./processes.js";
import { enclaveEnv, generateSecrets, workerSecretVars, writeSecretFile, type LocalSecrets } from "./secrets.js";

export interface LocalStackOptions {
  /** API port (default: a free loopback port). */
  apiPort?: number;
  /** Enclave port (default: a free loopback port). */
  enclavePort?: number;
  /** Local D1/KV state directory (default: a fresh temp dir, removed by stop()). */
  persistDir?: string;
  /** Extra Worker vars, passed as `--var KEY:VALUE` (they override wrangler.toml). */
  vars?: Record<string, string>;
  /**
   * Extra enclave variables over the generated ones, kept across `restartEnclave()`: e.g.
   * `LEGACY_SEALING_KEY`, or `SEALING_MODE: "evervault"` with `EV_ENCLAVE_CRYPTO_URL`.
   */
  enclaveVars?: Record<string, string>;
  /** Echo both processes' output with `[api]` / `[enclave]` prefixes. */
  stream?: boolean;
  /** Keep every output line (up to 100,000 per process) for `logs()`, e.g. to scan them. */
  keepLogs?: boolean;
}

/** A running Worker + enclave pair on loopback, with per-run secrets. */
export interface LocalStack {
  apiUrl: string;
  enclaveUrl: string;
  secrets: LocalSecrets;
  /** Stops the enclave and starts a fresh one (empty key memory) on the same port and secrets. */
  restartEnclave(): Promise<void>;
  /** Stops the enclave only (the API then answers `enclave_unavailable`). */
  stopEnclave(): Promise<void>;
  /** Resident memory of the Worker's process group (wrangler and workerd), in bytes. */
  apiResidentBytes(): number;
  /** Resident memory of the enclave signer process, in bytes. */
  enclaveResidentBytes(): number;
  /** The Worker's and the current enclave's captured output. */
  logs(): string;
  /**
   * Runs SQL against the stack's local D1, as `wrangler d1 execute --local` does (a few seconds
   * each), e.g. to check what a request wrote. @returns the rows of the last statement.
   */
  sql(command: string): Promise<Record<string, unknown>[]>;
  /** Stops both process groups and removes the run's temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the real system for tests and benchmarks: applies the D1 migrations into a fresh
 * persist dir, then starts the enclave and `wrangler dev` with newly generated secrets. The
 * Worker's secrets reach wrangler through `--env-file <tmp>/worker.env`, which makes wrangler
 * ignore any developer `.dev.vars`; the enclave gets explicit env and never reads `.env.local`.
 * @throws with the failing process's log tail when a step fails; everything started is stopped.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const runDir = await mkdtemp(path.join(tmpdir(), "clw-stack-"));
  const persistDir = options.persistDir ?? path.join(runDir, "state");
  const secrets = generateSecrets();
  const apiPort = options.apiPort ?? (await findFreePort());
  const enclavePort = options.enclavePort ?? (await findFreePort());
  const envFile = path.join(runDir, "worker.env");
  const logLines = options.keepLogs ? 100_000 : undefined;
  let enclave: ManagedProcess | undefined;
  let api: ManagedProcess | undefined;

  const launchEnclave = async () => {
    const env = { ...enclaveEnv(secrets, enclavePort), ...options.enclaveVars };
    enclave = await startEnclave({ env, port: enclavePort, stream: options.stream, logLines });
  };
  const stopEnclave = async () => {
    await enclave?.stop();
    enclave = undefined;
  };
  const stop = async () => {
    await Promise.all([api?.stop(), stopEnclave()]);
    api = undefined;
    await rm(runDir, { recursive: true, force: true });
  };

  try {
    await writeSecretFile(envFile, workerSecretVars(secrets));
    await applyMigrations(persistDir);
    const vars = { ...options.vars, ENCLAVE_BASE_URL: `http://127.0.0.1:${enclavePort}` };
    const inspectorPort = await findFreePort();
    const startApi = async () => {
      api = await startWranglerDev({ port: apiPort, inspectorPort, persistDir, envFile, vars, stream: options.stream, logLines });
    };
    const results = await Promise.allSettled([launchEnclave(), startApi()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    enclaveUrl: `http://127.0.0.1:${enclavePort}`,
    secrets,
    async restartEnclave() {
      await stopEnclave();
      await launchEnclave();
    },
    stopEnclave,
    apiResidentBytes: () => (api ? groupResidentBytes(api.pid) : 0),
    enclaveResidentBytes: () => (enclave ? groupResidentBytes(enclave.pid) : 0),
    logs: () => [api?.logTail(100_000) ?? "", enclave?.logTail(100_000) ?? ""].join("\n"),
    sql: (command) => executeLocalD1(persistDir, { command }),
    stop,
  };
}
