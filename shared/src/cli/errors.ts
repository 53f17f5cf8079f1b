import { ClwApiError } from "../client.js";

/** What `clw` exits with; `clw --help` documents them. */
export const EXIT = {
  ok: 0,
  /** The API answered an error, or something else failed (not signed in, network, a file). */
  failed: 1,
  /** The command line is wrong: an unknown command or flag, a missing or malformed argument. */
  usage: 2,
  /** The owner (or the policy) said no, or the request or sign-in expired, or time ran out waiting. */
  refused: 3,
  /** Stopped with Ctrl-C. */
  interrupted: 130,
} as const;

/** A failure `clw` reports in words and ends with the given exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    readonly exitCode: number,
    message: string,
    /** A machine code for `--json` output (the API's code, when the API refused). */
    readonly code = exitCode === EXIT.usage ? "usage" : "failed",
    /** More for `--json` output, e.g. the request that still waits. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);

/** The API's refusals that mean "no" or "too late" rather than "wrong". */
const REFUSED_CODES = new Set(["policy_denied", "challenge_denied", "intent_expired", "ticket_expired"]);

/** Whether an error is the user stopping the command (Ctrl-C aborts the pending request or wait). */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || (error.cause instanceof Error && error.cause.name === "AbortError"));
}

export interface Failure {
  exitCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The exit code, machine code and message for any failure. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError) return { exitCode: error.exitCode, code: error.code, message: error.message, details: error.details };
  if (error instanceof ClwApiError) {
    const exitCode = REFUSED_CODES.has(error.code) ? EXIT.refused : EXIT.failed;
    return { exitCode, code: error.code, message: `${error.message} (${error.code}, HTTP ${error.status})` };
  }
  if (isAbort(error)) return { exitCode: EXIT.interrupted, code: "interrupted", message: "stopped" };
  if (error instanceof Error && error.name === "ZodError") {
    const first = (error as Error & { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    return { exitCode: EXIT.failed, code: "unexpected_answer", message: `the API answered something this clw does not understand${first ? ` (${first.path.join(".")}: ${first.message})` : ""}: is --api right?` };
  }
  if (error instanceof TypeError && error.message === "fetch failed") {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return { exitCode: EXIT.failed, code: "network", message: `could not reach the API${cause}` };
  }
  return { exitCode: EXIT.failed, code: "failed", message: error instanceof Error ? error.message : String(error) };
}
