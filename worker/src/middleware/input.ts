import { LIMITS, idSchema } from "@clw/shared";
import type { z } from "zod";
import { AppError, badRequest } from "../errors.js";
import type { AppContext } from "./context.js";

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid request";
  const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue.message}`;
}

/** Reads the body as text, refusing more than the contract's limit even without Content-Length. */
async function readBody(c: AppContext): Promise<string> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > LIMITS.maxBodyBytes) throw new AppError(413, "payload_too_large", `the body is larger than ${LIMITS.maxBodyBytes} bytes`);
  const text = await c.req.text();
  // Only a body that could be over the limit (a UTF-16 unit is at most 3 UTF-8 bytes) is measured.
  if (text.length * 3 > LIMITS.maxBodyBytes && new TextEncoder().encode(text).byteLength > LIMITS.maxBodyBytes) {
    throw new AppError(413, "payload_too_large", `the body is larger than ${LIMITS.maxBodyBytes} bytes`);
  }
  return text;
}

/**
 * Parses and validates a JSON body. With `optional`, an empty body counts as `{}`.
 * @throws AppError 400 `invalid_json` / `bad_request` / `invalid_digest`, 413 `payload_too_large`.
 */
export async function jsonBody<S extends z.ZodType>(c: AppContext, schema: S, optional = false): Promise<z.output<S>> {
  const text = await readBody(c);
  let value: unknown = {};
  if (text.trim() === "") {
    if (!optional) throw badRequest("a JSON body is required");
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest("the body is not valid JSON", "invalid_json");
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const digestProblem = parsed.error.issues.some((issue) => issue.path.includes("digest"));
    throw badRequest(describe(parsed.error), digestProblem ? "invalid_digest" : "bad_request");
  }
  return parsed.data;
}

/** Validates query parameters. @throws AppError 400 `bad_request`. */
export function queryParams<S extends z.ZodType>(c: AppContext, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw badRequest(describe(parsed.error));
  return parsed.data;
}

/** The `:id` path parameter as a UUID. @throws AppError 400 `invalid_id`. */
export function identityIdParam(c: AppContext): string {
  const parsed = idSchema.safeParse(c.req.param("id"));
  if (!parsed.success) throw badRequest("the identity id must be a UUID", "invalid_id");
  return parsed.data.toLowerCase();
}
