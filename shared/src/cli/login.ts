import { ClwApiError, createClient, type AgentTokenResult, type ClwClient } from "../client.js";
import { agentSignInRequestSchema, type AgentSignIn, type AgentSignInRequest } from "../contract/index.js";
import { configPath, DEFAULT_API_URL, loadAgent, normalizeApiUrl, saveAgent, type SavedAgent } from "./config.js";
import { CliError, EXIT, isAbort, usageError } from "./errors.js";
import { progressLine, sleep, type CliIo } from "./io.js";
import { terminalQr } from "./qr.js";
import { newIdempotencyKey } from "./tools.js";

export interface LoginResult {
  saved: SavedAgent;
  file: string;
}

/** The API to sign in to: `--api`, then `CLW_API_URL`, then the saved file's, then api.clw.cash. */
async function loginApiUrl(io: CliIo, apiFlag: string | undefined): Promise<string> {
  if (apiFlag !== undefined) return normalizeApiUrl(apiFlag, "--api");
  if (io.env.CLW_API_URL) return normalizeApiUrl(io.env.CLW_API_URL, "CLW_API_URL");
  return (await loadAgent(configPath(io), io).catch(() => null))?.api_url ?? DEFAULT_API_URL;
}

/** A failure worth asking again about: the network, a 5xx, a rate limit. */
const transient = (error: unknown) => (error instanceof ClwApiError ? error.status >= 500 || error.status === 429 : error instanceof TypeError);

/** Starts the sign-in, asking once more on a transient failure (the Idempotency-Key keeps it one request). */
async function start(client: ClwClient, request: AgentSignInRequest, io: CliIo): Promise<AgentSignIn> {
  const options = { idempotencyKey: newIdempotencyKey() };
  try {
    return await client.startAgentSignIn(request, options);
  } catch (error) {
    if (!transient(error)) throw error;
    await sleep(1000, io.signal);
    return client.startAgentSignIn(request, options);
  }
}

function showPrompt(io: CliIo, request: AgentSignInRequest, started: AgentSignIn): void {
  if (started.deep_link === null) {
    if (request.telegram_user_id === undefined) {
      throw new CliError(EXIT.failed, "this API runs in test mode (no Telegram bot): pass --telegram-user-id ID to sign in as that owner", "test_mode");
    }
    io.stderr(`Test mode: the API approves "${request.name}" at once for Telegram user ${request.telegram_user_id}.\n`);
    return;
  }
  io.stderr(`Ask your owner to approve "${request.name}" in Telegram: open this link, or scan the code with their phone.\n\n  ${started.deep_link}\n\n`);
  io.stderr(`${terminalQr(started.deep_link)}\n\n`);
  io.stderr(`Confirmation code: ${started.confirmation_code} (Telegram shows the owner the same code)\n`);
}

const minutes = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

/** Polls every `io.pollIntervalMs` until the owner decides or the request expires. */
async function waitForKey(client: ClwClient, started: AgentSignIn, io: CliIo): Promise<Extract<AgentTokenResult, { status: "issued" }>> {
  const progress = progressLine(io);
  const expiresMs = Date.parse(started.expires_at);
  try {
    for (;;) {
      let pause = io.pollIntervalMs ?? 2000;
      try {
        const result = await client.collectAgentKey(started.request_id);
        if (result.status === "issued") return result;
        progress.update(`waiting for the owner to approve in Telegram (Ctrl-C stops)…`, ` ${minutes(expiresMs - Date.now())} left`);
      } catch (error) {
        if (error instanceof ClwApiError && error.status === 404) {
          if (Date.now() >= expiresMs - 1000) throw new CliError(EXIT.refused, `the sign-in request expired at ${started.expires_at} before the owner approved it; run clw login again`, "expired");
          throw new CliError(EXIT.failed, "the sign-in request is unknown or its key was already collected; run clw login again", "not_found");
        }
        if (!transient(error)) throw error;
        if (error instanceof ClwApiError && error.retryAfter) pause = Math.max(pause, error.retryAfter * 1000);
        progress.update(`the API did not answer (${error instanceof Error ? error.message : String(error)}); still trying…`);
      }
      await sleep(pause, io.signal);
    }
  } catch (error) {
    if (isAbort(error)) throw new CliError(EXIT.interrupted, "stopped: no key was saved (the owner may still see the request in Telegram until it expires)", "interrupted");
    throw error;
  } finally {
    progress.done();
  }
}

/**
 * `clw login`: asks the owner for an agent key (device flow), shows the deep link, its QR code
 * and the confirmation code on stderr, waits for the decision and saves the key (0600).
 * @throws CliError exit 3 when denied or expired; ClwApiError for other refusals.
 */
export async function login(io: CliIo, input: AgentSignInRequest, apiFlag: string | undefined): Promise<LoginResult> {
  const parsed = agentSignInRequestSchema.safeParse(input);
  if (!parsed.success) throw usageError(parsed.error.issues.map((i) => `${i.path.join(".") || "request"}: ${i.message}`).join("; "));
  const request = parsed.data;
  const apiUrl = await loginApiUrl(io, apiFlag);
  const baseFetch = io.fetch ?? globalThis.fetch.bind(globalThis);
  const client = createClient({ baseUrl: apiUrl, fetch: (url, init) => baseFetch(url, { ...init, signal: io.signal }) });
  const started = await start(client, request, io);
  showPrompt(io, request, started);
  const issued = await waitForKey(client, started, io);
  const file = configPath(io);
  const saved: SavedAgent = { api_url: apiUrl, agent_key: issued.agent_key, agent: issued.agent };
  await saveAgent(file, saved);
  return { saved, file };
}
