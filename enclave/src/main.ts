import { createEnclaveServer } from "./app.js";
import { ConfigError, loadConfig, type EnclaveConfig } from "./config.js";
import { createLegacyOpener, type LegacyOpener } from "./legacy-sealing.js";
import { createEvervaultSealer } from "./sealing-evervault.js";
import { createLocalSealer, type Sealer } from "./sealing.js";

function createSealer(config: EnclaveConfig): Sealer {
  if (config.SEALING_MODE === "evervault") return createEvervaultSealer({ baseUrl: config.EV_ENCLAVE_CRYPTO_URL });
  // loadConfig guarantees the key in local mode; no fallback between modes.
  return createLocalSealer(config.ENCLAVE_SEALING_KEY!);
}

/** The old signer's backups: local ones with LEGACY_SEALING_KEY, Evervault ones only in evervault mode. */
function createLegacy(config: EnclaveConfig): LegacyOpener {
  const evervault = config.SEALING_MODE === "evervault" ? { baseUrl: config.EV_ENCLAVE_CRYPTO_URL } : undefined;
  return createLegacyOpener({ mode: config.SEALING_MODE, sealingKeyHex: config.LEGACY_SEALING_KEY, evervault });
}

function start(): void {
  let config: EnclaveConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  }
  const server = createEnclaveServer({
    internalApiKey: config.INTERNAL_API_KEY,
    previousInternalApiKey: config.INTERNAL_API_KEY_PREVIOUS,
    ticketSigningSecret: config.TICKET_SIGNING_SECRET,
    previousTicketSigningSecret: config.TICKET_SIGNING_SECRET_PREVIOUS,
    sealer: createSealer(config),
    legacy: createLegacy(config),
  });
  server.keepAliveTimeout = 65_000;
  server.listen(config.ENCLAVE_PORT, config.ENCLAVE_HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.ENCLAVE_PORT;
    const legacy = config.LEGACY_SEALING_KEY ? ", legacy local backups: on" : "";
    console.log(`enclave listening on http://${config.ENCLAVE_HOST}:${port} (sealing: ${config.SEALING_MODE}${legacy})`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

start();
