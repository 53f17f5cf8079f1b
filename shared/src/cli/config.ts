import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { agentSchema } from "../contract/index.js";
import { CliError, EXIT, usageError } from "./errors.js";
import type { CliIo } from "./io.js";

export const DEFAULT_API_URL = "https://api.clw.cash";

/** What `clw login` saves: the API it signed in to, the agent key, and what the owner granted. */
export const savedAgentSchema = z.object({
  api_url: z.string(),
  agent_key: z.string(),
  agent: agentSchema,
});
export type SavedAgent = z.infer<typeof savedAgentSchema>;

/** `CLW_CONFIG`, else `~/.config/clw/agent.json`. */
export function configPath(io: Pick<CliIo, "env" | "homedir" | "cwd">): string {
  const override = io.env.CLW_CONFIG;
  return override ? path.resolve(io.cwd, override) : path.join(io.homedir, ".config", "clw", "agent.json");
}

/**
 * Saves the agent key readable by its user only: the directory is made 0700 when created, the
 * file is written 0600 beside its final name and moved into place, so it is never half-written
 * or briefly readable by others.
 */
export async function saveAgent(file: string, saved: SavedAgent): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600, flag: "w" });
  await chmod(temp, 0o600);
  await rename(temp, file);
}

/**
 * The saved agent, or null when there is no file.
 * @throws CliError when the file exists but is not a saved agent.
 */
export async function loadAgent(file: string, io: Pick<CliIo, "stderr">): Promise<SavedAgent | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new CliError(EXIT.failed, `cannot read ${file}: ${(error as Error).message}`);
  }
  const mode = (await stat(file)).mode & 0o777;
  if (mode & 0o077) io.stderr(`warning: ${file} can be read by others (mode ${mode.toString(8)}); run chmod 600 ${file}\n`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(EXIT.failed, `${file} is not JSON; run clw login again`);
  }
  const parsed = savedAgentSchema.safeParse(json);
  if (!parsed.success) throw new CliError(EXIT.failed, `${file} does not hold a saved agent key; run clw login again`);
  return parsed.data;
}

/** An API origin as given, without trailing slashes. @throws a usage error when it is not an http(s) URL. */
export function normalizeApiUrl(value: string, from: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`${from} must be a URL such as ${DEFAULT_API_URL}, not "${value}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw usageError(`${from} must be an http(s) URL, not "${value}"`);
  return value.replace(/\/+$/, "");
}

/** Where to talk and with which key. */
export interface Credentials {
  apiUrl: string;
  /** Absent until `clw login` (or `CLW_AGENT_KEY`). */
  agentKey?: string;
  /** What the owner granted, when the key came from the saved file. */
  agent?: SavedAgent["agent"];
  file: string;
  /** The API the saved key belongs to, when that is not `apiUrl` (the key is then not used). */
  savedFor?: string;
}

function sameApi(a: string, b: string): boolean {
  const parse = (value: string) => {
    try {
      const url = new URL(value);
      return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
    } catch {
      return value;
    }
  };
  return parse(a) === parse(b);
}

/**
 * The API URL (`--api`, then `CLW_API_URL`, then the saved file, then api.clw.cash) and the key
 * (`CLW_AGENT_KEY`, then the saved file). The saved key is only ever sent to the API that issued
 * it: pointed elsewhere, `clw` asks for `CLW_AGENT_KEY` rather than leak it.
 */
export async function resolveCredentials(io: CliIo, apiFlag: string | undefined): Promise<Credentials> {
  const file = configPath(io);
  const saved = await loadAgent(file, io);
  const chosen = apiFlag !== undefined ? normalizeApiUrl(apiFlag, "--api") : io.env.CLW_API_URL ? normalizeApiUrl(io.env.CLW_API_URL, "CLW_API_URL") : undefined;
  const apiUrl = chosen ?? saved?.api_url ?? DEFAULT_API_URL;
  if (io.env.CLW_AGENT_KEY) return { apiUrl, agentKey: io.env.CLW_AGENT_KEY, file };
  if (saved && sameApi(saved.api_url, apiUrl)) return { apiUrl, agentKey: saved.agent_key, agent: saved.agent, file };
  return { apiUrl, file, ...(saved ? { savedFor: saved.api_url } : {}) };
}

/**
 * The key to send.
 * @throws CliError (exit 1) when there is none for this API.
 */
export function requireKey(credentials: Credentials): string {
  if (credentials.agentKey) return credentials.agentKey;
  if (credentials.savedFor) {
    throw new CliError(EXIT.failed, `the key saved in ${credentials.file} is for ${credentials.savedFor}, not ${credentials.apiUrl}: set CLW_AGENT_KEY, or run clw login --api ${credentials.apiUrl}`, "not_signed_in");
  }
  throw new CliError(EXIT.failed, `not signed in: run clw login --name NAME (the key is saved in ${credentials.file}), or set CLW_AGENT_KEY`, "not_signed_in");
}
