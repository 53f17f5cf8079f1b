// Benchmark: (a) raw BIP-340 signing on one core, (b) signatures/s through the real
// HTTP /v1/keys/sign route (ticket verification included) of a spawned src/main.ts.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";
import { digestHash, TICKET_AUDIENCE, TICKET_TYP, TOKEN_ISSUER } from "@clw/shared";
import { generatePrivateKey, signDigest } from "../src/keys.js";

const API_KEY = randomBytes(24).toString("hex");
const SECRET = randomBytes(24).toString("hex");
const CLIENTS = 8;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
function post(port: number, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", agent, headers: {
      "content-type": "application/json", "content-length": Buffer.byteLength(payload), "x-internal-api-key": API_KEY,
    } }, (res) => {
      let data = "";
      res.on("data", (c) => (data += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(data) }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const secretKey = new TextEncoder().encode(SECRET);
async function ticket(sub: string, iid: string, digest: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iid, dgh: digestHash(digest), scope: "sign" })
    .setProtectedHeader({ alg: "HS256", typ: TICKET_TYP }).setIssuer(TOKEN_ISSUER).setAudience(TICKET_AUDIENCE)
    .setSubject(sub).setJti(randomBytes(16).toString("hex")).setIssuedAt(now).setExpirationTime(now + 60)
    .sign(secretKey);
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

async function startEnclave() {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: { PATH: process.env.PATH ?? "", ENCLAVE_PORT: "0", INTERNAL_API_KEY: API_KEY, TICKET_SIGNING_SECRET: SECRET,
      ENCLAVE_SEALING_KEY: randomBytes(32).toString("hex") },
    stdio: ["ignore", "pipe", "inherit"], detached: true,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", () => reject(new Error(`enclave exited: ${out}`)));
  });
  return { port, stop: () => process.kill(-child.pid!, "SIGTERM") };
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
