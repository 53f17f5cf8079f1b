/**
 * `pnpm --filter ./enclave check`: the signer's own client tooling. Asks the signer at
 * ENCLAVE_URL (default http://127.0.0.1:7000) for its health, and, with INTERNAL_API_KEY, checks
 * that the key is accepted. A signer on an Evervault Enclave host is only contacted over an
 * attested connection: EV_ATTESTATION_PCR0/1/2 (+ EV_APP_ID, EV_API_KEY) must be set, and a
 * mismatch fails before anything is sent.
 */
import { ENCLAVE_HOST_SUFFIX, createAttestedAgent, enclaveNameOf, readAttestationExpectations, signerRequest, type AttestedAgent } from "./attestation.js";

async function main(): Promise<number> {
  const url = new URL(process.env.ENCLAVE_URL ?? "http://127.0.0.1:7000");
  const expectations = readAttestationExpectations(process.env);
  const isEnclave = url.hostname.endsWith(ENCLAVE_HOST_SUFFIX);
  if (isEnclave && !expectations) {
    console.error(`${url.host} is an Evervault Enclave: set EV_ATTESTATION_PCR0, _PCR1, _PCR2, EV_APP_ID and EV_API_KEY so the connection is attested`);
    return 2;
  }
  let attested: AttestedAgent | undefined;
  try {
    attested = expectations && url.protocol === "https:" ? await createAttestedAgent(expectations, enclaveNameOf(url.hostname)) : undefined;
    const health = await signerRequest(new URL("/health", url).toString(), { agent: attested?.agent });
    console.log(`health: ${health.status} ${JSON.stringify(health.body)}${attested ? " (attested)" : ""}`);
    const key = process.env.INTERNAL_API_KEY;
    if (key) {
      // /health shows its details only to the internal key: their presence says the key is accepted.
      const probe = await signerRequest(new URL("/health", url).toString(), { headers: { "x-internal-api-key": key }, agent: attested?.agent });
      const accepted = typeof (probe.body as { sealing_mode?: unknown } | null)?.sealing_mode === "string";
      console.log(`internal API key: ${accepted ? "accepted" : "refused"}`);
      if (!accepted) return 1;
    }
    return health.status === 200 ? 0 : 1;
  } catch (error) {
    console.error(`signer check failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    attested?.close();
  }
}

main().then((code) => (process.exitCode = code));
