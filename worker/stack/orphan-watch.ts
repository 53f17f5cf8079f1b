import { readFileSync } from "node:fs";

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Calls `onOrphaned` once if any ancestor of this process exits (e.g. `pnpm dev` got SIGTERM
 * on its own pid: pnpm exits without signalling its children). Linux only (reads /proc);
 * elsewhere it does nothing. Polls every `intervalMs` without keeping the event loop alive.
 */
export function watchAncestors(onOrphaned: () => void, intervalMs = 1000): void {
  const ancestors: number[] = [];
  for (let pid = parentOf(process.pid); pid !== undefined && ancestors.length < 16; pid = parentOf(pid)) {
    ancestors.push(pid);
  }
  if (ancestors.length === 0) return;
  const timer = setInterval(() => {
    if (ancestors.every(alive)) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
}
