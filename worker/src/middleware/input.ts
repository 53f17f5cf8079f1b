import { LIMITS, idSchema } from "@clw/shared";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { AppError, badRequest } from "../errors.js";
import type { AppContext } from "./context.js";

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid request";
  const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue.message}`;
}

/**
 * Refuses a body over the contract's limit with 413 before reading more of it: a declared
 * Content-Length is checked up front, and a chunked body is counted while it streams in.
 */
export const limitBody = bodyLimit({
  maxSize: LIMITS.maxBodyBytes,
  onError: () => {
    throw new AppError(413, "payload_too_large", `the body is larger than ${LIMITS.maxBodyBytes} bytes`);
  },
});

/**
 * Parses and validates a JSON body; `schema` may pick the schema from the parsed value (for a
 * body that is one of several shapes, so the error names what is wrong with the shape meant).
 * With `optional`, an empty body counts as `{}`.
 * @throws AppError 400 `invalid_json` / `bad_request` / `invalid_digest` (413 comes from `limitBody`).
 */
export async function jsonBody<S extends z.ZodType>(c: AppContext, schema: S | ((value: unknown) => S), optional = false): Promise<z.output<S>> {
  const text = await c.req.text();
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
  const parsed = (typeof schema === "function" ? schema(value) : schema).safeParse(value);
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

/** The `:id` path parameter as a lowercase UUID, naming `what` it is in the error. @throws AppError 400 `invalid_id`. */
export function uuidParam(c: AppContext, what: string): string {
  const parsed = idSchema.safeParse(c.req.param("id"));
  if (!parsed.success) throw badRequest(`the ${what} id must be a UUID`, "invalid_id");
  return parsed.data.toLowerCase();
}

/** The `:id` path parameter as an identity's UUID. @throws AppError 400 `invalid_id`. */
export const identityIdParam = (c: AppContext) => uuidParam(c, "identity");
