import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAttestedAgent, readAttestationExpectations, signerRequest } from "../src/tooling/attestation.js";

const HOST = "clw-cash-signer.app-366535fdf2b7.enclave.evervault.com";
const PCR = "ab".repeat(48);
const expectationsEnv = { EV_APP_ID: "app_366535fdf2b7", EV_API_KEY: "test-api-key-not-scoped", EV_ATTESTATION_PCR0: PCR, EV_ATTESTATION_PCR1: PCR, EV_ATTESTATION_PCR2: PCR };

describe("attestation expectations", () => {
  it("are off when no EV_ATTESTATION_* is set", () => {
    expect(readAttestationExpectations({ EV_APP_ID: "app_1" })).toBeNull();
  });

  it("are read in full, and a half-configured set fails loudly instead of turning attestation off", () => {
    expect(readAttestationExpectations(expectationsEnv)).toMatchObject({ appId: "app_366535fdf2b7", pcrs: { pcr0: PCR, pcr1: PCR, pcr2: PCR } });
    expect(() => readAttestationExpectations({ ...expectationsEnv, EV_ATTESTATION_PCR1: undefined })).toThrow(/EV_ATTESTATION_PCR1/);
    expect(() => readAttestationExpectations({ ...expectationsEnv, EV_ATTESTATION_PCR2: "1234" })).toThrow(/96 hex/);
    expect(() => readAttestationExpectations({ EV_ATTESTATION_PCR0: PCR })).toThrow(/EV_APP_ID/);
  });
});

describe("an attested connection to a signer that cannot prove itself", () => {
  let dir: string;
  let server: Server;
  let port: number;
  let ca: Buffer;
  const received: string[] = [];
  // The enclave's hostname, answered by a local TLS server that has no attestation document.
  const lookup = ((_host: string, options: unknown, callback: (...args: unknown[]) => void) =>
    typeof options === "object" && options && (options as { all?: boolean }).all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4)) as never;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "clw-attest-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${HOST}`, "-addext", `subjectAltName=DNS:${HOST}`, "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    ca = readFileSync(path.join(dir, "cert.pem"));
    server = createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: ca }, (req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.end(JSON.stringify({ ok: true, service: "enclave" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("is refused before anything is sent, while a plain connection to the same server works", async () => {
    const url = `https://${HOST}:${port}/v1/keys/sign`;
    const plain = await signerRequest(url, { method: "POST", body: { secret: "x" }, agent: new Agent({ ca, lookup }) });
    expect(plain.status).toBe(200);
    expect(received).toEqual(["POST /v1/keys/sign"]);

    const attested = await createAttestedAgent(readAttestationExpectations(expectationsEnv)!, "clw-cash-signer", { ca, lookup });
    try {
      await expect(signerRequest(url, { method: "POST", body: { secret: "x" }, agent: attested.agent })).rejects.toThrow();
    } finally {
      attested.close();
    }
    expect(received).toEqual(["POST /v1/keys/sign"]);
  }, 60_000);
});
