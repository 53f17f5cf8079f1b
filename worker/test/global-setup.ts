import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { startEnclave } from "../stack/components.js";
import { startFakeTelegram } from "../stack/fake-telegram.js";
import { findFreePort } from "../stack/processes.js";
import { TEST_BOT_TOKEN } from "./telegram.js";

declare module "vitest" {
  export interface ProvidedContext {
    enclaveUrl: string;
    telegramApiRoot: string;
    internalApiKey: string;
    ticketSecret: string;
    sessionSecret: string;
  }
}

/** Starts the real enclave signer and a local Bot API for the Worker tests, with secrets made for this run. */
export default async function setup(project: TestProject) {
  const secret = () => randomBytes(32).toString("hex");
  const internalApiKey = secret();
  const ticketSecret = secret();
  const port = await findFreePort();
  const enclave = await startEnclave({
    port,
    env: { INTERNAL_API_KEY: internalApiKey, TICKET_SIGNING_SECRET: ticketSecret, SEALING_MODE: "local", ENCLAVE_SEALING_KEY: secret() },
  });
  project.provide("enclaveUrl", `http://127.0.0.1:${port}`);
  project.provide("internalApiKey", internalApiKey);
  project.provide("ticketSecret", ticketSecret);
  project.provide("sessionSecret", secret());
  const telegram = await startFakeTelegram(TEST_BOT_TOKEN);
  project.provide("telegramApiRoot", telegram.apiRoot);
  return async () => {
    await Promise.all([enclave.stop(), telegram.close()]);
  };
}
