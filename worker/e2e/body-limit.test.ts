import { connect } from "node:net";
import { expect, it } from "vitest";
import { useLocalStack } from "./support.js";

const stack = useLocalStack();

const MIB = 1024 * 1024;

interface ChunkedOutcome {
  /** The status line's code, when the server answered before closing. */
  status: number | null;
  /** How much of the body the server had accepted when it answered or closed. */
  sentBytes: number;
}

/**
 * Streams a chunked body of up to `totalBytes` over a raw socket, as an attacker would, reading
 * the answer while still sending; stops when the server answers or closes the connection.
 */
function sendChunked(path: string, totalBytes: number): Promise<ChunkedOutcome> {
  const { hostname, port } = new URL(stack().apiUrl);
  const chunk = Buffer.concat([Buffer.from(`10000\r\n`), Buffer.alloc(0x10000, "a"), Buffer.from("\r\n")]);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let sent = 0;
    let answer = "";
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ status: match ? Number(match[1]) : null, sentBytes: sent });
    };
    const pump = () => {
      while (!done && sent < totalBytes) {
        sent += 0x10000;
        if (!socket.write(chunk)) return void socket.once("drain", pump);
      }
      if (!done) socket.end("0\r\n\r\n");
    };
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      if (answer.includes("\r\n\r\n")) finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
    socket.on("connect", () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      pump();
    });
  });
}

it("a chunked body within the limit is read and answered normally", async () => {
  const body = JSON.stringify({ challenge_id: crypto.randomUUID() });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(body));
      controller.close();
    },
  });
  const res = await fetch(`${stack().apiUrl}/v1/auth/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit);
  expect(res.status).toBe(404);
});

it("a chunked body just over the limit is answered 413 payload_too_large", async () => {
  const outcome = await sendChunked("/v1/auth/verify", 2 * 0x10000);
  expect(outcome.status).toBe(413);
});

it("a chunked body over the limit is refused after about the limit, never read whole, and costs the Worker no memory", async () => {
  const before = stack().apiResidentBytes();
  for (const path of ["/v1/auth/verify", "/telegram-webhook"]) {
    const outcome = await sendChunked(path, 256 * MIB);
    // The Worker answers 413 (wrangler's local proxy may turn the early answer into a 503 or a reset).
    if (outcome.status !== null) expect([413, 503]).toContain(outcome.status);
    expect(outcome.sentBytes, path).toBeLessThan(32 * MIB);
  }
  const grown = stack().apiResidentBytes() - before;
  expect(grown).toBeLessThan(96 * MIB);
  // Still serving: wrangler's local proxy may need a moment after the reset connections.
  let status = 0;
  for (let attempt = 0; attempt < 20 && status !== 404; attempt++) {
    const res = await fetch(`${stack().apiUrl}/v1/auth/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ challenge_id: crypto.randomUUID() }) });
    status = res.status;
    if (status !== 404) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(status).toBe(404);
});
