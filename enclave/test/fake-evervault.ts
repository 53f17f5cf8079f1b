// TEST-ONLY: a small stand-in for the Evervault Enclave's in-enclave crypto API
// (POST /encrypt and POST /decrypt on 127.0.0.1:9999 in production), so evervault
// sealing can be tested on a loopback port. Like Evervault, it transforms a bare JSON string
// body (the old signer's shape) into a JSON string, and an object body value by value (each
// top-level string). Its ciphertexts have Evervault's shape: `ev:Tk9D:<iv>:<key>:<data>:$`.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeEvervault {
  url: string;
  calls: string[];
  /** Every request's path and raw body, in order. */
  bodies: Array<{ path: string; body: string }>;
  close(): Promise<void>;
}

const key = randomBytes(32);

const b64 = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "");

function encrypt(value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `ev:Tk9D:${b64(iv)}:${b64(randomBytes(33))}:${b64(data)}:$`;
}

function decrypt(value: string): string {
  const match = /^ev:Tk9D:([A-Za-z0-9+/]+):[A-Za-z0-9+/]+:([A-Za-z0-9+/]+):\$$/.exec(value);
  if (!match) throw new Error("not an evervault string");
  const iv = Buffer.from(match[1]!, "base64");
  const data = Buffer.from(match[2]!, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
}

/** Evervault's answer for a JSON body: a string transformed, an object's string values transformed. */
function transformBody(body: unknown, transform: (value: string) => string): unknown {
  if (typeof body === "string") return transform(body);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("unsupported body");
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? transform(v) : v]));
}

/** Starts the fake on a loopback port. */
export async function startFakeEvervault(): Promise<FakeEvervault> {
  const calls: string[] = [];
  const bodies: FakeEvervault["bodies"] = [];
  const server = createServer(async (req, res) => {
    calls.push(req.url ?? "");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    bodies.push({ path: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
    const transform = req.url === "/encrypt" ? encrypt : req.url === "/decrypt" ? decrypt : null;
    try {
      if (!transform || req.method !== "POST") throw new Error("Not Found");
      const out = transformBody(JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown, transform);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
    } catch (err) {
      res.writeHead(400).end((err as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
