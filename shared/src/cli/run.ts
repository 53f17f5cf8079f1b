import { parseArgs } from "node:util";
import { COMMON_OPTIONS, type Command, type CommandContext } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { describeFailure, EXIT, usageError, type Failure } from "./errors.js";
import { commandHelp, mainHelp } from "./help.js";
import type { CliIo } from "./io.js";

export const VERSION = "0.1.0";

/** Parses a command's flags strictly. @throws a usage error for unknown flags, missing values or a wrong count of arguments. */
function parse(command: Command, args: string[]): Omit<CommandContext, "io"> {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...COMMON_OPTIONS }).map(([name, spec]) => [name, { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(name === "help" ? { short: "h" } : {}) }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${(error as Error).message.split(". To specify")[0]!.split("\n")[0]} (clw ${command.name} --help lists the options)`);
  }
  const { values, positionals } = parsed;
  if (values.help !== true && (positionals.length < command.positionals.min || positionals.length > command.positionals.max)) {
    throw usageError(`usage: clw ${command.usage}`);
  }
  const api = typeof values.api === "string" ? values.api : undefined;
  return { values: values as CommandContext["values"], positionals, json: values.json === true, api };
}

function report(io: CliIo, failure: Failure, json: boolean): number {
  io.stderr(`clw: ${failure.message}\n`);
  if (json) io.stdout(`${JSON.stringify({ error: failure.message, code: failure.code, exit_code: failure.exitCode, ...failure.details })}\n`);
  return failure.exitCode;
}

/**
 * Runs one `clw` command line. Results go to stdout (with `--json`, exactly one JSON object,
 * errors included), everything else to stderr.
 * @returns the exit code (see `EXIT`); never throws.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const json = argv.includes("--json");
  if (name === undefined) {
    io.stderr(mainHelp(COMMANDS));
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout(topic ? commandHelp(topic) : mainHelp(COMMANDS));
    return EXIT.ok;
  }
  if (name === "--version") {
    io.stdout(json ? `${JSON.stringify({ version: VERSION })}\n` : `clw ${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return report(io, describeFailure(usageError(`unknown command "${name}"; clw --help lists them`)), json);
  try {
    const ctx = parse(command, rest);
    if (ctx.values.help === true) {
      io.stdout(commandHelp(command));
      return EXIT.ok;
    }
    const output = await command.run({ ...ctx, io });
    if (output) io.stdout(ctx.json ? `${JSON.stringify(output.json)}\n` : output.text);
    return EXIT.ok;
  } catch (error) {
    return report(io, describeFailure(error), json);
  }
}
