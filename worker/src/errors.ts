import type { ErrorCode } from "@clw/shared";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type { ErrorCode };

/** An error with an HTTP status and a machine code, answered as `{error, code}`. */
export class AppError extends Error {
  override readonly name: string = "AppError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code: ErrorCode = "bad_request") => new AppError(400, code, message);
export const unauthorized = (message = "a valid bearer token is required") => new AppError(401, "unauthorized", message);
export const forbidden = (message: string) => new AppError(403, "forbidden", message);
export const notFound = (message: string) => new AppError(404, "not_found", message);
