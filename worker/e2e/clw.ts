import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ClwClient, Identity } from "@clw/shared";
import { REPO_ROOT } from "../stack/components.js";
import { randomTelegramUserId, signIn } from "./support.js";

/** The `clw` command as users run it: the bin shim, which runs shared/src/cli/main.ts through tsx. */
export const CLW_BIN = path.join(REPO_ROOT, "shared", "bin", "clw.mjs");

export interface ClwRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const homes: string[] = [];

/** A home of its own for one agent: `CLW_CONFIG` points into it, and nothing from the outer CLW_* variables leaks in. */
export async function agentHome(): Promise<{ home: string; config: string; env: Record<string, string> }> {
  const home = await mkdtemp(path.join(tmpdir(), "clw-e2e-"));
  homes.push(home);
  const config = path.join(home, ".config", "clw", "agent.json");
  return { home, config, env: { PATH: process.env.PATH ?? "", HOME: home, CLW_CONFIG: config } };
}

/** Removes every home `agentHome` made (call it in `afterAll`). */
export async function removeAgentHomes(): Promise<void> {
  await Promise.all(homes.splice(0).map((home) => rm(home, { recursive: true, force: true })));
}

/**
 * Runs `clw` as a real process in its own home and waits for it to end (killed after `timeoutMs`).
 * @returns its exit code, stdout, stderr and how long it took.
 */
export function clw(args: string[], options: { env: Record<string, string>; stdin?: string; cwd?: string; timeoutMs?: number }): Promise<ClwRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLW_BIN, ...args], { cwd: options.cwd ?? options.env.HOME, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? "");
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 45_000);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** An owner (test-mode sign-in) with one fresh identity. */
export async function ownerWithIdentity(apiUrl: string): Promise<{ telegramUserId: number; owner: ClwClient; identity: Identity }> {
  const telegramUserId = randomTelegramUserId();
  const { client: owner } = await signIn(apiUrl, telegramUserId);
  const identity = await owner.createIdentity();
  return { telegramUserId, owner, identity };
}

/** `clw login` as that owner's agent, in test mode. @throws with clw's stderr when it fails. */
export async function loginAgent(apiUrl: string, telegramUserId: number, env: Record<string, string>, name = "e2e-agent"): Promise<ClwRun> {
  const run = await clw(["login", "--name", name, "--telegram-user-id", String(telegramUserId), "--api", apiUrl], { env });
  if (run.code !== 0) throw new Error(`clw login failed (${run.code}): ${run.stderr}`);
  return run;
}
