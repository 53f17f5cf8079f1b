/**
 * `clw`, the agent's command line: `node --import tsx shared/src/cli/main.ts <command>` or the
 * `clw` bin (`shared/bin/clw.mjs`). The only place that touches the real process.
 */
import { homedir } from "node:os";
import { runCli } from "./run.js";

const controller = new AbortController();
let interrupted = false;
const stop = () => {
  // A second Ctrl-C while the first is being handled ends the process at once.
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort(Object.assign(new Error("stopped"), { name: "AbortError" }));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
  readStdin,
  // `pnpm clw` runs in the repository root; relative paths mean where the user typed it.
  cwd: process.env.npm_lifecycle_event === "clw" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd(),
  homedir: homedir(),
  signal: controller.signal,
});
