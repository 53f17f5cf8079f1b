import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { EnclaveError } from "./errors.js";
import { createApiKeyCheck, readJsonBody, sendJson } from "./http.js";
import { createKeyRoutes, type Handler } from "./key-routes.js";
import { createKeyStore, type KeyStore } from "./keys.js";
import { createLegacyOpener, type LegacyOpener } from "./legacy-sealing.js";
import { createPsbtRoutes } from "./psbt-routes.js";
import type { Sealer } from "./sealing.js";
import { createSignRoutes } from "./sign-routes.js";
import { createReplayCache, createTicketVerifier, type ReplayCache } from "./tickets.js";

/** What the enclave server needs; stores default to fresh in-memory ones. */
export interface EnclaveDeps {
  internalApiKey: string;
  /** Also accepted while a rotation is under way (INTERNAL_API_KEY_PREVIOUS). */
  previousInternalApiKey?: string;
  ticketSigningSecret: string;
  /** Also accepted while a rotation is under way (TICKET_SIGNING_SECRET_PREVIOUS). */
  previousTicketSigningSecret?: string;
  sealer: Sealer;
  /** Opens the old signer's backups; by default none open (no LEGACY_SEALING_KEY, no crypto API). */
  legacy?: LegacyOpener;
  keyStore?: KeyStore;
  replayCache?: ReplayCache;
  /** Where unexpected errors are reported (never sent to the client). */
  logError?: (message: string) => void;
  /**
   * Tests only: auxiliary randomness for PSBT signatures, so the BIP-341 vectors (made with zero
   * aux) can be matched byte for byte. Unset in production: every signature gets fresh randomness.
   */
  auxRand?: () => Uint8Array;
}

type Respond = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function createRouter(deps: EnclaveDeps): Respond {
  const keyStore = deps.keyStore ?? createKeyStore();
  const replayCache = deps.replayCache ?? createReplayCache();
  const verifier = createTicketVerifier(deps.ticketSigningSecret, deps.previousTicketSigningSecret);
  const isAuthorized = createApiKeyCheck(deps.internalApiKey, deps.previousInternalApiKey);
  const routes: Record<string, Handler> = {
    ...createKeyRoutes({ keyStore, sealer: deps.sealer, legacy: deps.legacy ?? createLegacyOpener({ mode: deps.sealer.mode }) }),
    ...createSignRoutes({ keyStore, verifier, replayCache }),
    ...createPsbtRoutes({ keyStore, verifier, replayCache, auxRand: deps.auxRand }),
  };
  return async (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const authorized = isAuthorized(req.headers["x-internal-api-key"]);
    if (req.method === "GET" && path === "/health") {
      // Liveness for anyone; what the signer holds and how it seals only for the internal key.
      const details = authorized ? { sealing_mode: deps.sealer.mode, keys: keyStore.size(), destroyed: keyStore.destroyedCount() } : {};
      return sendJson(res, 200, { ok: true, service: "enclave", ...details });
    }
    if (!authorized) {
      throw new EnclaveError(401, "unauthorized", "missing or invalid internal API key");
    }
    const handler = req.method === "POST" ? routes[path] : undefined;
    if (!handler) throw new EnclaveError(404, "not_found", "no such route");
    const result = await handler(await readJsonBody(req));
    sendJson(res, result.status, result.body);
  };
}

/**
 * Builds the enclave's internal HTTP server (not yet listening). `GET /health` is open;
 * every other route needs `x-internal-api-key`. Errors answer `{ error, code }`; unexpected
 * ones are logged with method and path and answered 500 `internal_error` without details.
 */
export function createEnclaveServer(deps: EnclaveDeps): Server {
  const respond = createRouter(deps);
  const logError = deps.logError ?? ((message: string) => console.error(message));
  return createServer((req, res) => {
    respond(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof EnclaveError) {
        // An unread request body would desynchronise keep-alive: drain it and close.
        const close = !req.complete;
        sendJson(res, err.status, { error: err.message, code: err.code }, close);
        if (close) req.resume();
        return;
      }
      logError(`enclave: ${req.method} ${req.url} failed: ${err instanceof Error ? err.message : String(err)}`);
      sendJson(res, 500, { error: "internal error", code: "internal_error" });
    });
  });
}
