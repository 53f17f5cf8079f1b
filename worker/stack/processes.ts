import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { createOutputLog } from "./output-log.js";
import { terminateGroup, trackGroup, untrackGroup } from "./process-groups.js";

export { findFreePort } from "./ports.js";
export { waitForHttp } from "./wait-for-http.js";

export interface ProcessSpec {
  /** Short label used in log prefixes and error messages. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  /** The child's full environment (pass `{ ...process.env, ... }` to inherit). */
  env: NodeJS.ProcessEnv;
  /** Echo every output line to stdout as `[name] line`. */
  stream?: boolean;
  /** How many output lines to keep for `logTail` (default 200). */
  logLines?: number;
}

/** A child running in its own process group. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or null when killed by a signal); never rejects. */
  readonly exited: Promise<number | null>;
  isRunning(): boolean;
  /** The last lines of combined stdout/stderr. */
  logTail(lines?: number): string;
  /** SIGTERM to the whole group, SIGKILL after `graceMs` (default 3000); resolves once all are gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `spec` detached (its own process group, so wrangler's and workerd's children die with
 * it) with output captured, and registers it with the exit/SIGINT/SIGTERM safety net.
 * @throws if the command cannot be spawned (e.g. ENOENT).
 */
export async function startProcess(spec: ProcessSpec): Promise<ManagedProcess> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Tracked at once, not after the 'spawn' event, so a Ctrl-C in between cannot leave it running.
  if (child.pid !== undefined) trackGroup(child.pid);
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error) => {
      if (child.pid !== undefined) untrackGroup(child.pid);
      reject(error);
    });
  });
  const pid = child.pid!;
  const log = createOutputLog([child.stdout, child.stderr], { capacity: spec.logLines, ...(spec.stream ? { prefix: spec.name } : {}) });
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      running = false;
      resolve(code);
    });
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  // The leader may exit before the rest of its group (wrangler leaves workerd behind), so the
  // group stays tracked, and is killed by stop(), until it is empty.
  return {
    name: spec.name,
    pid,
    exited,
    isRunning: () => running,
    logTail: (lines) => log.tail(lines),
    async stop(graceMs = 3000) {
      await terminateGroup(pid, graceMs);
      await exited;
      // Let the pipes drain so logTail() holds the last words (bounded: a stray holder may linger).
      await Promise.race([closed, sleep(1000)]);
    },
  };
}

/**
 * Runs a command to completion in its own process group.
 * @returns the captured output.
 * @throws an Error carrying the output tail when it exits non-zero or takes over `timeoutMs`.
 */
export async function runCommand(spec: Omit<ProcessSpec, "stream">, timeoutMs = 60_000): Promise<string> {
  const proc = await startProcess(spec);
  const timer = setTimeout(() => void proc.stop(), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  await proc.stop();
  if (code !== 0) {
    throw new Error(`${spec.name} failed (exit ${code}):\n${proc.logTail()}`);
  }
  return proc.logTail(1000);
}
