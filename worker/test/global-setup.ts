import type { TestProject } from "vitest/node";
import { startEnclave } from "../stack/components.js";
import { startFakeTelegram } from "../stack/fake-telegram.js";
import { findFreePort } from "../stack/processes.js";
import { enclaveEnv, generateSecrets, randomHex32 } from "../stack/secrets.js";

declare module "vitest" {
  export interface ProvidedContext {
    enclaveUrl: string;
    spareEnclaveUrl: string;
    telegramApiRoot: string;
    telegramBotToken: string;
    internalApiKey: string;
    ticketSecret: string;
    sessionSecret: string;
    legacySealingKey: string;
  }
}

/**
 * Starts the real enclave signer (also opening the old signer's local backups) and a local Bot
 * API for the Worker tests, with secrets made for this run. A second signer with the same
 * secrets stands for "the signer before its last restart": a key made there exists only as its
 * sealed backup for the first one, which must restore it (a key destroyed in a signer never
 * comes back to it, so destroying cannot stand in for a restart).
 */
export default async function setup(project: TestProject) {
  const secrets = generateSecrets();
  const legacySealingKey = randomHex32();
  const [port, sparePort] = [await findFreePort(), await findFreePort()];
  const start = (p: number) => startEnclave({ port: p, env: { ...enclaveEnv(secrets, p), LEGACY_SEALING_KEY: legacySealingKey } });
  const enclave = await start(port);
  const spare = await start(sparePort).catch(async (error: unknown) => {
    await enclave.stop();
    throw error;
  });
  project.provide("enclaveUrl", `http://127.0.0.1:${port}`);
  project.provide("spareEnclaveUrl", `http://127.0.0.1:${sparePort}`);
  project.provide("internalApiKey", secrets.INTERNAL_API_KEY);
  project.provide("ticketSecret", secrets.TICKET_SIGNING_SECRET);
  project.provide("sessionSecret", secrets.SESSION_SIGNING_SECRET);
  project.provide("legacySealingKey", legacySealingKey);
  const botToken = "123456789:test-token-for-the-local-bot-api";
  const telegram = await startFakeTelegram(botToken);
  project.provide("telegramApiRoot", telegram.apiRoot);
  project.provide("telegramBotToken", botToken);
  return async () => {
    await Promise.all([enclave.stop(), spare.stop(), telegram.close()]);
  };
}
