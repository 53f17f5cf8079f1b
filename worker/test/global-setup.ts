import type { TestProject } from "vitest/node";
import { startEnclave } from "../stack/components.js";
import { startFakeTelegram } from "../stack/fake-telegram.js";
import { findFreePort } from "../stack/processes.js";
import { enclaveEnv, generateSecrets, randomHex32 } from "../stack/secrets.js";

declare module "vitest" {
  export interface ProvidedContext {
    enclaveUrl: string;
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
 * API for the Worker tests, with secrets made for this run.
 */
export default async function setup(project: TestProject) {
  const secrets = generateSecrets();
  const legacySealingKey = randomHex32();
  const port = await findFreePort();
  const enclave = await startEnclave({ port, env: { ...enclaveEnv(secrets, port), LEGACY_SEALING_KEY: legacySealingKey } });
  project.provide("enclaveUrl", `http://127.0.0.1:${port}`);
  project.provide("internalApiKey", secrets.INTERNAL_API_KEY);
  project.provide("ticketSecret", secrets.TICKET_SIGNING_SECRET);
  project.provide("sessionSecret", secrets.SESSION_SIGNING_SECRET);
  project.provide("legacySealingKey", legacySealingKey);
  const botToken = "123456789:test-token-for-the-local-bot-api";
  const telegram = await startFakeTelegram(botToken);
  project.provide("telegramApiRoot", telegram.apiRoot);
  project.provide("telegramBotToken", botToken);
  return async () => {
    await Promise.all([enclave.stop(), telegram.close()]);
  };
}
