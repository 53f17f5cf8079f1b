import { setTimeout as sleep } from "node:timers/promises";

const groups = new Set<number>();
const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

/** The signals that stop every tracked group. */
export type StopSignal = keyof typeof SIGNALS;

/** Sends `signal` to every process in the group led by `pid`; a vanished group is not an error. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, SIGKILL once `graceMs` have passed; resolves when the group is gone. */
export async function terminateGroup(pid: number, graceMs = 3000): Promise<void> {
  killGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pid)) killGroup(pid, "SIGKILL");
  for (let i = 0; i < 40 && groupAlive(pid); i++) await sleep(50);
  untrackGroup(pid);
}

function killAllNow(): void {
  for (const pid of groups) killGroup(pid, "SIGKILL");
}

// By default a signal ends the process as if it had killed it (130/143), which is what a
// test runner or script that was interrupted should report.
let exitCodeAfter = (signal: StopSignal): number => SIGNALS[signal];
let keepHandlers = false;
let stopping: Promise<void> | undefined;

function onSignal(signal: StopSignal): void {
  // A second Ctrl-C while stopping waits for the same stop instead of starting another.
  stopping ??= Promise.all([...groups].map((pid) => terminateGroup(pid))).then(() => process.exit(exitCodeAfter(signal)));
}

const handlers = {
  SIGINT: () => onSignal("SIGINT"),
  SIGTERM: () => onSignal("SIGTERM"),
};

function installHandlers(): void {
  if (process.listeners("exit").includes(killAllNow)) return;
  process.on("exit", killAllNow);
  process.on("SIGINT", handlers.SIGINT);
  process.on("SIGTERM", handlers.SIGTERM);
}

/**
 * Remembers a process group so that it is killed if this process exits (SIGKILL on 'exit') or
 * is interrupted (SIGTERM to every group, then exit 130/143). The signal handlers are installed
 * only while at least one group is tracked, so the default signal behaviour comes back after
 * (unless `stopGroupsOnSignal` made them permanent).
 */
export function trackGroup(pid: number): void {
  installHandlers();
  groups.add(pid);
}

/** Forgets a group once it is known to be gone. */
export function untrackGroup(pid: number): void {
  if (!groups.delete(pid) || groups.size > 0 || keepHandlers) return;
  process.off("exit", killAllNow);
  process.off("SIGINT", handlers.SIGINT);
  process.off("SIGTERM", handlers.SIGTERM);
}

/**
 * For a process whose normal end is a signal (`pnpm dev` ends with Ctrl-C): from now on every
 * SIGINT/SIGTERM, even one before any group was started, stops every group and then exits with
 * `exitCode(signal)` (e.g. 0, so package managers do not report a failure).
 */
export function stopGroupsOnSignal(exitCode: (signal: StopSignal) => number): void {
  exitCodeAfter = exitCode;
  keepHandlers = true;
  installHandlers();
}
