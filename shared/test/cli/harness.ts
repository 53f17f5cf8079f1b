import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/run.js";

type Handler = (body: unknown, url: URL, headers: Record<string, string>) => { status: number; body: unknown; headers?: Record<string, string> };

/** A made-up API: `"METHOD /path"` → handler; records every request. Unknown routes are 404. */
export function fakeApi(handlers: Record<string, Handler>) {
  const calls: { method: string; url: URL; headers: Record<string, string>; body: unknown }[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    init.signal?.throwIfAborted();
    const url = new URL(String(input));
    const method = init.method ?? "GET";
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, headers, body });
    const handler = handlers[`${method} ${url.pathname}`];
    const answer = handler ? handler(body, url, headers) : { status: 404, body: { error: "no such thing", code: "not_found" } };
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

/** A fresh home directory (the config lands in it; removed after the test) and an io that records stdout and stderr. */
export async function cliHarness(options: { env?: Record<string, string>; fetch?: typeof fetch; stdin?: string | Uint8Array; signal?: AbortSignal; interactive?: boolean } = {}) {
  const home = await mkdtemp(path.join(tmpdir(), "clw-cli-"));
  onTestFinished(() => rm(home, { recursive: true, force: true }));
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: options.env ?? {},
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    interactive: options.interactive ?? false,
    readStdin: async () => (typeof options.stdin === "string" ? new TextEncoder().encode(options.stdin) : (options.stdin ?? new Uint8Array())),
    cwd: home,
    homedir: home,
    signal: options.signal ?? new AbortController().signal,
    fetch: options.fetch,
    pollIntervalMs: 5,
  };
  return {
    io,
    home,
    configFile: path.join(home, ".config", "clw", "agent.json"),
    run: (...argv: string[]) => runCli(argv, io),
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    clear: () => {
      out.length = 0;
      err.length = 0;
    },
  };
}

export const API = "https://api.example";
export const KEY = `clw_ak_${"k".repeat(43)}`;
export const ID = "0b9d6f3e-1c2a-4e5f-8a7b-9c0d1e2f3a4b";
export const OTHER_ID = "1c2a4e5f-0b9d-4f3e-8a7b-9c0d1e2f3a4b";
export const SIG = "ab".repeat(64);
export const PUBKEY = `02${"cd".repeat(32)}`;

export const agent = (identityIds: string[] | null = null) => ({ id: "a-1", name: "trading-bot", identity_ids: identityIds, permissions: ["sign", "read"] as ("sign" | "read")[], created_at: "t", expires_at: null, last_used_at: null, revoked_at: null, created_via: "agent_signin" as const });

export const identity = (id = ID) => ({ id, user_id: "u", alg: "secp256k1", public_key: PUBKEY, status: "active", created_at: "t", address: "bc1pxyz" });

/** A saved-agent file's content. */
export const saved = (identityIds: string[] | null = null, apiUrl = API) => ({ api_url: apiUrl, agent_key: KEY, agent: agent(identityIds) });

export const intentState = (fields: Record<string, unknown>) => ({ id: "p", identity_id: ID, kind: "digest", digest_hash: "h", payment: null, transaction: null, requested_by: 'agent "trading-bot"', created_at: "t", expires_at: "t2", decided_via: null, ...fields });
