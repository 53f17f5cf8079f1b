import { setTimeout as sleep } from "node:timers/promises";

const groups = new Set<number>();
const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

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

async function onSignal(signal: keyof typeof SIGNALS): Promise<void> {
  await Promise.all([...groups].map((pid) => terminateGroup(pid)));
  process.exit(SIGNALS[signal]);
}

const handlers = {
  SIGINT: () => void onSignal("SIGINT"),
  SIGTERM: () => void onSignal("SIGTERM"),
};

/**
 * Remembers a process group so that it is killed if this process exits (SIGKILL on 'exit') or
 * is interrupted (SIGTERM to every group, then exit 130/143). The signal handlers are installed
 * only while at least one group is tracked, so the default signal behaviour comes back after.
 */
export function trackGroup(pid: number): void {
  if (groups.size === 0) {
    process.on("exit", killAllNow);
    process.on("SIGINT", handlers.SIGINT);
    process.on("SIGTERM", handlers.SIGTERM);
  }
  groups.add(pid);
}

/** Forgets a group once it is known to be gone. */
export function untrackGroup(pid: number): void {
  if (!groups.delete(pid) || groups.size > 0) return;
  process.off("exit", killAllNow);
  process.off("SIGINT", handlers.SIGINT);
  process.off("SIGTERM", handlers.SIGTERM);
}
