// Benchmark: the signer's resident memory with 10,000 keys loaded, and after 100,000 signatures
// (1,000 sign-batch calls of 100 with batch tickets, as the API makes them), to show it grows with
// the keys and the replay cache's bound (tickets still within their lifetime) and nothing else.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { agent, batchTicket, post, startEnclave } from "./signer-process.js";

const KEYS = 10_000;
const SIGNATURES = 100_000;
const BATCH = 100;

/** Resident set size of a process, in MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await task(next++);
  }));
}

const enclave = await startEnclave();
try {
  const user = "bench-user";
  const ids = Array.from({ length: KEYS }, (_, i) => `bench-${i}-${randomBytes(4).toString("hex")}`);
  const empty = rssMiB(enclave.pid);
  await inParallel(KEYS, 8, async (i) => {
    const res = await post(enclave.port, "/v1/keys/generate", { identity_id: ids[i], user_id: user });
    if (res.status !== 201) throw new Error(`generate failed: ${JSON.stringify(res.json)}`);
  });
  const loaded = rssMiB(enclave.pid);
  const started = performance.now();
  await inParallel(SIGNATURES / BATCH, 8, async (i) => {
    const identity = ids[i % KEYS]!;
    const digests = Array.from({ length: BATCH }, () => randomBytes(32).toString("hex"));
    const res = await post(enclave.port, "/v1/keys/sign-batch", { identity_id: identity, digests, ticket: await batchTicket(user, identity, digests) });
    if (res.status !== 200) throw new Error(`sign-batch failed: ${JSON.stringify(res.json)}`);
  });
  const seconds = (performance.now() - started) / 1000;
  const signed = rssMiB(enclave.pid);
  const health = await fetch(`http://127.0.0.1:${enclave.port}/health`).then((r) => r.json());
  console.log(`signer RSS: started ${empty.toFixed(1)} MiB | ${KEYS} keys ${loaded.toFixed(1)} MiB (+${((loaded - empty) * 1024 / KEYS).toFixed(2)} KiB a key) | after ${SIGNATURES} signatures ${signed.toFixed(1)} MiB (${signed >= loaded ? "+" : ""}${(signed - loaded).toFixed(1)} MiB) | ${(SIGNATURES / seconds).toFixed(0)} signatures/s | ${JSON.stringify(health)}`);
} finally {
  agent.destroy();
  enclave.stop();
}
