import { setTimeout as sleep } from "node:timers/promises";

/** What `waitForHttp` watches so it can fail early with the child's output. */
export interface Watched {
  readonly name: string;
  isRunning(): boolean;
  logTail(lines?: number): string;
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Polls `url` every 100 ms until it answers 200.
 * @throws an Error with the watched process's log tail if that process exits first or
 *   `timeoutMs` pass without a 200.
 */
export async function waitForHttp(url: string, timeoutMs: number, watched?: Watched): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers200(url)) return;
    if (watched && !watched.isRunning()) {
      throw new Error(`${watched.name} exited before ${url} answered 200:\n${watched.logTail()}`);
    }
    await sleep(100);
  }
  const tail = watched ? `\n${watched.name} output:\n${watched.logTail()}` : "";
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms${tail}`);
}
