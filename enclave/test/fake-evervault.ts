// TEST-ONLY: a small stand-in for the Evervault Enclave's in-enclave crypto API
// (POST /encrypt and POST /decrypt on 127.0.0.1:9999 in production), so evervault
// sealing can be tested on a loopback port. It encrypts each top-level string value.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeEvervault {
  url: string;
  calls: string[];
  close(): Promise<void>;
}

const key = randomBytes(32);

function encrypt(value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([iv, cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `ev:fake:${body.toString("base64url")}`;
}

function decrypt(value: string): string {
  if (!value.startsWith("ev:fake:")) throw new Error("not an evervault string");
  const raw = Buffer.from(value.slice(8), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
}

/** Starts the fake on a loopback port. */
export async function startFakeEvervault(): Promise<FakeEvervault> {
  const calls: string[] = [];
  const server = createServer(async (req, res) => {
    calls.push(req.url ?? "");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const transform = req.url === "/encrypt" ? encrypt : req.url === "/decrypt" ? decrypt : null;
    try {
      if (!transform || req.method !== "POST") throw new Error("Not Found");
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      const out = Object.fromEntries(
        Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? transform(v) : v]),
      );
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
    } catch (err) {
      res.writeHead(400).end((err as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
