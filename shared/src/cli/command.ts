import type { CliIo } from "./io.js";

/** One option of a command, as `node:util` parseArgs takes it, with its help. */
export interface OptionSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  /** The value's placeholder in help, e.g. `ID`. */
  value?: string;
  help: string;
}

/** What a command produced: one JSON value for `--json`, and the words for everyone else. */
export interface CommandOutput {
  json: unknown;
  /** Written to stdout as is (end it with a newline). */
  text: string;
}

export interface CommandContext {
  io: CliIo;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  json: boolean;
  api: string | undefined;
}

/** A `clw` command: how it is called, what it says in `--help`, and what it does. */
export interface Command {
  name: string;
  summary: string;
  /** The synopsis after `clw `, e.g. `sign DIGEST [--identity ID]`. */
  usage: string;
  /** Paragraphs shown by `clw <command> --help`. */
  description: string;
  options: Record<string, OptionSpec>;
  positionals: { min: number; max: number };
  /** Examples shown in help. */
  examples?: string[];
  run(ctx: CommandContext): Promise<CommandOutput | void>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  api: { type: "string", value: "URL", help: "the API (default: CLW_API_URL, else the one you logged in to, else https://api.clw.cash)" },
  json: { type: "boolean", help: "print exactly one JSON object on stdout (errors too: {error, code, exit_code})" },
  help: { type: "boolean", help: "show this help" },
};

export const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
