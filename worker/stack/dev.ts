/**
 * `pnpm dev`: the whole system on its usual local ports, from a fresh clone after `pnpm install`.
 * Creates `.dev.vars` and `enclave/.env.local` when missing, applies the D1 migrations to
 * `.wrangler/state`, starts the enclave (7000), the Worker (8787) and, when it has a `dev`
 * script, the Mini App (5173), streams their output with prefixes, and stops every process
 * group on Ctrl-C or SIGTERM, exiting 0 unless a component had crashed (then 1).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT, applyMigrations, startEnclave, startWranglerDev } from "./components.js";
import { watchAncestors } from "./orphan-watch.js";
import { silenceEchoes } from "./output-log.js";
import { stopGroupsOnSignal } from "./process-groups.js";
import { startProcess, waitForHttp, type ManagedProcess } from "./processes.js";
import { ensureLocalSecrets, parseEnvFile } from "./secrets.js";

const PORTS = { api: 8787, enclave: 7000, web: 5173 } as const;

async function hasMiniappDev(): Promise<boolean> {
  try {
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, "miniapp", "package.json"), "utf8"));
    return typeof pkg.scripts?.dev === "string";
  } catch {
    return false;
  }
}

async function startMiniapp(): Promise<ManagedProcess> {
  const proc = await startProcess({
    name: "web",
    command: "pnpm",
    args: ["--filter", "./miniapp", "dev"],
    cwd: REPO_ROOT,
    env: { ...process.env, VITE_API_URL: process.env.VITE_API_URL ?? `http://127.0.0.1:${PORTS.api}` },
    stream: true,
  });
  // Vite always serves its client script, even before the app has an index.html.
  await waitForHttp(`http://127.0.0.1:${PORTS.web}/@vite/client`, 60_000, proc);
  return proc;
}

async function describeMode(): Promise<string> {
  const devVars = parseEnvFile(await readFile(path.join(REPO_ROOT, ".dev.vars"), "utf8"));
  return devVars.TELEGRAM_BOT_TOKEN ? "bot mode (TELEGRAM_BOT_TOKEN set in .dev.vars)" : "test mode (no TELEGRAM_BOT_TOKEN: challenges resolve at once)";
}

let stopping = false;
/** A component that exited on its own: the run failed, however it is stopped afterwards. */
const crashed: string[] = [];

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    silenceEchoes();
    console.log(`[dev] ${signal}: stopping every process`);
  });
}
// Ctrl-C is how a user ends `pnpm dev`: after every process group is stopped, exit 0 so pnpm
// reports nothing; only a component that crashed before makes it a failure (exit 1).
stopGroupsOnSignal(() => (crashed.length > 0 ? 1 : 0));
process.on("exit", (code) => {
  if (!stopping) return;
  const why = crashed.length > 0 ? ` (exit ${code}: ${crashed.join(", ")} had exited on its own)` : "";
  console.log(`[dev] stopped${why}`);
});

function watchExit(proc: ManagedProcess): void {
  void proc.exited.then((code) => {
    if (stopping) return;
    crashed.push(`${proc.name} (code ${code})`);
    console.error(`[dev] ${proc.name} exited (code ${code}); Ctrl-C to stop the rest`);
  });
}

async function main(): Promise<void> {
  watchAncestors(() => process.kill(process.pid, "SIGTERM"));
  const { created } = await ensureLocalSecrets(REPO_ROOT);
  for (const file of created) console.log(`[dev] created ${file} with random local secrets (git-ignored)`);
  console.log("[dev] applying D1 migrations to .wrangler/state");
  await applyMigrations();
  const procs = await Promise.all([
    startEnclave({ env: {}, port: PORTS.enclave, useEnvLocal: true, stream: true }),
    startWranglerDev({ port: PORTS.api, stream: true }),
  ]);
  if (await hasMiniappDev()) procs.push(await startMiniapp());
  procs.forEach(watchExit);
  const web = procs.some((p) => p.name === "web") ? `http://127.0.0.1:${PORTS.web}` : "(no miniapp dev script)";
  console.log(
    [
      "",
      "  clw.cash is running",
      `  API      http://127.0.0.1:${PORTS.api}`,
      `  enclave  http://127.0.0.1:${PORTS.enclave}`,
      `  web      ${web}`,
      `  ${await describeMode()}`,
      "  Ctrl-C stops everything",
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  // A start cut short by Ctrl-C is not a failure; the signal handler is already stopping the rest.
  if (stopping) return;
  console.error(`[dev] failed: ${error instanceof Error ? error.message : String(error)}`);
  // Exiting fires the process-group safety net, which kills anything already started.
  process.exit(1);
});
