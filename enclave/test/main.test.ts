import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { API_KEY, randomHex, TICKET_SECRET } from "./helpers.js";

const enclaveDir = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: enclaveDir,
    env: { PATH: process.env.PATH ?? "", ENCLAVE_HOST: "127.0.0.1", ENCLAVE_PORT: "0", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitForPort(r: Run): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(r.output());
    if (match) return Number(match[1]);
    if (r.child.exitCode !== null) throw new Error(`exited early: ${r.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`did not start: ${r.output()}`);
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
});

const base = { INTERNAL_API_KEY: API_KEY, TICKET_SIGNING_SECRET: TICKET_SECRET };

describe("src/main.ts (the real process)", () => {
  it("starts and answers /health", async () => {
    const r = run({ ...base, ENCLAVE_SEALING_KEY: randomHex(32) });
    const port = await waitForPort(r);
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await res.json()).toEqual({ ok: true, service: "enclave" });
  });

  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    ["without ENCLAVE_SEALING_KEY", base, /ENCLAVE_SEALING_KEY/],
    ["with a short ENCLAVE_SEALING_KEY", { ...base, ENCLAVE_SEALING_KEY: randomHex(31) }, /ENCLAVE_SEALING_KEY/],
    ["with a malformed LEGACY_SEALING_KEY", { ...base, ENCLAVE_SEALING_KEY: randomHex(32), LEGACY_SEALING_KEY: "not-hex" }, /LEGACY_SEALING_KEY/],
    ["with SEALING_MODE=bogus", { ...base, SEALING_MODE: "bogus", ENCLAVE_SEALING_KEY: randomHex(32) }, /SEALING_MODE/],
    ["without INTERNAL_API_KEY", { TICKET_SIGNING_SECRET: TICKET_SECRET, ENCLAVE_SEALING_KEY: randomHex(32) }, /INTERNAL_API_KEY/],
  ];
  for (const [label, env, message] of refusals) {
    it(`refuses to start ${label}`, async () => {
      const r = run(env);
      const code = await r.exited;
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(r.output()).toMatch(message);
    });
  }

  it("tells a developer where a missing secret goes", async () => {
    const r = run({ ENCLAVE_SEALING_KEY: randomHex(32), INTERNAL_API_KEY: "" });
    expect(await r.exited).toBe(1);
    expect(r.output()).toMatch(/INTERNAL_API_KEY: not set/);
    expect(r.output()).toMatch(/TICKET_SIGNING_SECRET: not set/);
    expect(r.output()).toMatch(/set INTERNAL_API_KEY, TICKET_SIGNING_SECRET in the signer's environment, or locally in enclave\/\.env\.local \(`pnpm secrets:local` or `pnpm dev` creates one/);
  });
});
