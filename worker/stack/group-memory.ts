import { readdirSync, readFileSync } from "node:fs";

/**
 * Resident memory of every process in the process group `pgid`, in bytes (Linux: reads /proc;
 * elsewhere 0). For tests and benchmarks that watch what a request costs the Worker or signer.
 */
export function groupResidentBytes(pgid: number): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const rssPages = Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
      total += rssPages * 4096;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}
