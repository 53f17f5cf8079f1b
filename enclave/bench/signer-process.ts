// The signer as a separate process for benchmarks: started on a free port with fresh secrets,
// with a keep-alive client and the tickets the API would mint.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";
import { batchHash, digestHash, TICKET_AUDIENCE, TICKET_TYP, TOKEN_ISSUER } from "@clw/shared";

const API_KEY = randomBytes(24).toString("hex");
const SECRET = randomBytes(24).toString("hex");
export const CLIENTS = 8;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
export function post(port: number, path: string, body: unknown): Promise<{ status: number; json: any }> {
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

/** A ticket as the API mints one, bound to `dgh`. */
async function mint(sub: string, iid: string, dgh: string, knd?: "batch"): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iid, dgh, scope: "sign", ...(knd ? { knd } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: TICKET_TYP }).setIssuer(TOKEN_ISSUER).setAudience(TICKET_AUDIENCE)
    .setSubject(sub).setJti(randomBytes(16).toString("hex")).setIssuedAt(now).setExpirationTime(now + 60)
    .sign(secretKey);
}

/** A ticket for one digest, as the API mints one for sign. */
export const ticket = (sub: string, iid: string, digest: string) => mint(sub, iid, digestHash(digest));

/** A batch ticket for exactly these digests, as the API mints one for sign-batch. */
export const batchTicket = (sub: string, iid: string, digests: string[]) => mint(sub, iid, batchHash(digests), "batch");

/** Starts `src/main.ts` on a free port; `pid` lets a benchmark read its memory. */
export async function startEnclave() {
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
  return { port, pid: child.pid!, stop: () => process.kill(-child.pid!, "SIGTERM") };
}

