import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { startEnclave } from "../stack/components.js";
import { startFakeTelegram } from "../stack/fake-telegram.js";
import { findFreePort, type ManagedProcess } from "../stack/processes.js";
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
    signerFactoryUrl: string;
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
  // Tests that need a signer which never held their keys (as after a restart) ask for one here.
  const signers = await startSignerFactory(async () => {
    const freshPort = await findFreePort();
    const proc = await startEnclave({ port: freshPort, env: { ...enclaveEnv(secrets, freshPort), LEGACY_SEALING_KEY: legacySealingKey } });
    return { proc, url: `http://127.0.0.1:${freshPort}` };
  });
  project.provide("signerFactoryUrl", signers.url);
  return async () => {
    await Promise.all([enclave.stop(), telegram.close(), signers.close()]);
  };
}

/**
 * A loopback HTTP endpoint (`POST /fresh`) that starts another real signer with the same secrets
 * and answers its URL: what a signer looks like after a restart, for the tests that need one.
 */
async function startSignerFactory(start: () => Promise<{ proc: ManagedProcess; url: string }>): Promise<{ url: string; close(): Promise<void> }> {
  const started: ManagedProcess[] = [];
  const server = createServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/fresh") return void res.writeHead(404).end();
    start().then(
      ({ proc, url }) => {
        started.push(proc);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ url }));
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await Promise.all(started.map((signer) => signer.stop()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
