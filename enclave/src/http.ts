import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { EnclaveError } from "./errors.js";

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads and parses a JSON request body; an empty body reads as `{}`.
 * @throws EnclaveError 413 `payload_too_large` past `limit` bytes, 400 `invalid_json` if unparsable.
 */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new EnclaveError(413, "payload_too_large", `request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new EnclaveError(413, "payload_too_large", `request body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  if (total === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new EnclaveError(400, "invalid_json", "request body is not valid JSON");
  }
}

/** Writes a JSON response with an explicit length. */
export function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    ...(close ? { connection: "close" } : {}),
  });
  res.end(payload);
}

/**
 * Parses a request body with a zod schema.
 * @throws EnclaveError 400 `bad_request` naming the first offending field.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new EnclaveError(400, "bad_request", `${where}${issue?.message ?? "invalid request"}`);
}

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Returns a checker that compares a presented key with each accepted one (the current key and,
 * during a rotation, the previous one) in constant time, over SHA-256 digests so neither content
 * nor length leaks through timing. Every accepted key is always compared.
 */
export function createApiKeyCheck(...accepted: (string | undefined)[]): (presented: string | string[] | undefined) => boolean {
  const digests = accepted.filter((key): key is string => Boolean(key)).map(sha256);
  return (presented) => {
    if (typeof presented !== "string") return false;
    const digest = sha256(presented);
    return digests.map((expected) => timingSafeEqual(digest, expected)).includes(true);
  };
}
