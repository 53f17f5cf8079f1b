import { request as httpsRequest, type AgentOptions, type Agent } from "node:https";
import { request as httpRequest } from "node:http";
import bindings from "@evervault/attestation-bindings";
import Evervault from "@evervault/sdk";
import { z } from "zod";

/** Hosts of Evervault Enclaves: connections to them must be attested. */
export const ENCLAVE_HOST_SUFFIX = ".enclave.evervault.com";

/** The enclave's name from its host (`<name>.<app>.enclave.evervault.com`). */
export const enclaveNameOf = (hostname: string) => hostname.split(".")[0]!;

const pcr = z.string().regex(/^[0-9a-fA-F]{96}$/, "must be 96 hex characters (a SHA-384 PCR)");

const schema = z.object({
  EV_APP_ID: z.string().regex(/^app_[0-9a-f]+$/, "must be the Evervault app id (app_…)"),
  EV_API_KEY: z.string().min(1, "is required to fetch attestation documents"),
  EV_ATTESTATION_PCR0: pcr,
  EV_ATTESTATION_PCR1: pcr,
  EV_ATTESTATION_PCR2: pcr,
  EV_ATTESTATION_PCR8: pcr.optional(),
});

/** What a caller expects of the signer's enclave image (its PCRs) and how to reach Evervault. */
export interface AttestationExpectations {
  appId: string;
  apiKey: string;
  pcrs: { pcr0: string; pcr1: string; pcr2: string; pcr8?: string };
}

/**
 * Reads `EV_ATTESTATION_PCR0/1/2` (and optionally `PCR8`), `EV_APP_ID` and `EV_API_KEY`.
 * @returns null when no `EV_ATTESTATION_*` variable is set.
 * @throws Error naming every missing or malformed variable when some are set: a half-configured
 * expectation must never quietly turn attestation off.
 */
export function readAttestationExpectations(env: Record<string, string | undefined>): AttestationExpectations | null {
  if (!Object.keys(env).some((key) => key.startsWith("EV_ATTESTATION_") && env[key])) return null;
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`attestation is half configured: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  const v = parsed.data;
  return { appId: v.EV_APP_ID, apiKey: v.EV_API_KEY, pcrs: { pcr0: v.EV_ATTESTATION_PCR0, pcr1: v.EV_ATTESTATION_PCR1, pcr2: v.EV_ATTESTATION_PCR2, ...(v.EV_ATTESTATION_PCR8 ? { pcr8: v.EV_ATTESTATION_PCR8 } : {}) } };
}

export interface AttestedAgent {
  agent: Agent;
  /** Stops the SDK's background refresh of attestation documents. */
  close(): void;
}

/**
 * An https agent that attests every connection to an Evervault Enclave during the TLS handshake
 * (Evervault's SDK with its attestation bindings): if the enclave's attestation document does not
 * match the expected PCRs, or cannot be had, the connection fails before any request is written.
 */
export async function createAttestedAgent(expectations: AttestationExpectations, enclaveName: string, options: AgentOptions = {}): Promise<AttestedAgent> {
  const evervault = new Evervault(expectations.appId, expectations.apiKey);
  const agent = await evervault.createEnclaveHttpsAgent({ [enclaveName]: expectations.pcrs }, bindings, { keepAlive: true, ...options });
  return { agent, close: () => evervault.disableEnclaves() };
}

export interface SignerResponse {
  status: number;
  body: unknown;
}

/** One JSON request to the signer, through `agent` for https (attested when it is an attested agent). */
export function signerRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; agent?: Agent }): Promise<SignerResponse> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = send(target, { method: init.method ?? "GET", headers: { ...init.headers, ...(payload ? { "content-type": "application/json" } : {}) }, agent: target.protocol === "https:" ? init.agent : undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${target.host} within 10 s`)));
    req.end(payload);
  });
}
