// Benchmark: (a) raw BIP-340 signing on one core, (b) signatures/s through the real
// HTTP /v1/keys/sign route (ticket verification included) of a spawned src/main.ts.
import { randomBytes } from "node:crypto";
import { generatePrivateKey, signDigest } from "../src/keys.js";
import { agent, CLIENTS, median, post, startEnclave, ticket } from "./signer-process.js";

function rawRun(ms: number): number {
  const key = generatePrivateKey();
  const digest = new Uint8Array(randomBytes(32));
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++, n++) {
      digest[n & 31] = n & 0xff;
      signDigest(key, digest);
    }
  }
  return n / ((performance.now() - start) / 1000);
}

async function httpRun(port: number, ms: number): Promise<number> {
  const identity_id = `bench-${randomBytes(6).toString("hex")}`;
  const user_id = "bench-user";
  const gen = await post(port, "/v1/keys/generate", { identity_id, user_id });
  if (gen.status !== 201) throw new Error(`generate failed: ${JSON.stringify(gen.json)}`);
  let n = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < end) {
      const digest = randomBytes(32).toString("hex");
      const res = await post(port, "/v1/keys/sign", { identity_id, digest, ticket: await ticket(user_id, identity_id, digest) });
      if (res.status !== 200) throw new Error(`sign failed: ${JSON.stringify(res.json)}`);
      n++;
    }
  }));
  return n / ((performance.now() - start) / 1000);
}

const raw = [rawRun(2000), rawRun(2000), rawRun(2000)];
console.log(`(a) signDigest (BIP-340, fresh aux rand), one core: median ${median(raw).toFixed(0)} sig/s  runs=[${raw.map((x) => x.toFixed(0)).join(", ")}]`);
const enclave = await startEnclave();
try {
  const http: number[] = [];
  for (let i = 0; i < 3; i++) http.push(await httpRun(enclave.port, 3000));
  console.log(`(b) HTTP /v1/keys/sign, ${CLIENTS} keep-alive clients: median ${median(http).toFixed(0)} sig/s  runs=[${http.map((x) => x.toFixed(0)).join(", ")}]`);
} finally {
  agent.destroy();
  enclave.stop();
}
