/**
 * The process-group safety net under a signal: every group it started is gone afterwards, and
 * the exit code says whether the stop was asked for (`pnpm dev`, Ctrl-C: 0) or an interruption
 * (anything else: 130 for SIGINT). `pnpm dev` itself binds fixed ports, so it is checked by hand.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { groupAlive } from "../stack/process-groups.js";

const fixture = path.join(import.meta.dirname, "fixtures", "signal-stop.ts");

/** Runs the fixture until it is ready, sends it `signal`, and reports how it ended. */
async function interrupt(args: string[], signal: NodeJS.Signals = "SIGINT"): Promise<{ code: number | null; groupPid: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const groupPid = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /ready (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    void exited.then((code) => reject(new Error(`the fixture exited early (${code}): ${out}`)));
  });
  child.kill(signal);
  return { code: await exited, groupPid };
}

describe("stopping on a signal", () => {
  it("a stop the user asked for stops every group, then exits 0", async () => {
    const { code, groupPid } = await interrupt(["--requested-stop"]);
    expect(code).toBe(0);
    expect(groupAlive(groupPid)).toBe(false);
  });

  it("also before anything was started", async () => {
    expect((await interrupt(["--requested-stop", "--nothing"], "SIGTERM")).code).toBe(0);
  });

  it("anywhere else a signal is an interruption: the groups are stopped and the exit code says so", async () => {
    const { code, groupPid } = await interrupt([]);
    expect(code).toBe(130);
    expect(groupAlive(groupPid)).toBe(false);
  });
});
