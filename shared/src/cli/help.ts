import { COMMON_OPTIONS, type Command, type OptionSpec } from "./command.js";

const wrap = (text: string, indent = "", width = 96): string =>
  text
    .split("\n")
    .map((line) => {
      if (line.startsWith("  ")) return indent + line;
      const words = line.split(" ");
      const lines: string[] = [];
      let current = "";
      for (const word of words) {
        if (current && current.length + word.length + 1 > width - indent.length) {
          lines.push(indent + current);
          current = word;
        } else current = current ? `${current} ${word}` : word;
      }
      lines.push(indent + current);
      return lines.join("\n");
    })
    .join("\n");

function optionLines(options: Record<string, OptionSpec>): string[] {
  const left = Object.entries(options).map(([name, spec]) => `--${name}${spec.value ? ` ${spec.value}` : ""}`);
  const width = Math.max(...left.map((l) => l.length));
  return Object.values(options).map((spec, i) => `  ${left[i]!.padEnd(width)}  ${spec.help}`);
}

export const EXIT_CODES_HELP = `Exit codes:
  0    done
  1    the API answered an error, or something else failed (not signed in, network, a file)
  2    the command line is wrong (unknown command or flag, missing or malformed argument)
  3    denied or expired: the owner or the policy said no, the request or sign-in expired,
       or --timeout ran out while the owner had not decided
  130  stopped with Ctrl-C`;

const ENV_HELP = `Environment:
  CLW_API_URL    the API (wins over the saved one; --api wins over it)
  CLW_AGENT_KEY  the agent key (wins over the saved one)
  CLW_CONFIG     where the key is saved (default ~/.config/clw/agent.json)
  The saved key is only ever sent to the API that issued it.`;

/** `clw --help`. */
export function mainHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "clw: sign with the keys your owner keeps for you in clw.cash, from a shell or an MCP client.",
    "",
    "Usage: clw <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options for every command:",
    ...optionLines(COMMON_OPTIONS),
    "",
    "Start with: clw login --name NAME, then clw keys, clw sign DIGEST.",
    "clw <command> --help tells more about each.",
    "",
    ENV_HELP,
    "",
    EXIT_CODES_HELP,
    "",
  ].join("\n");
}

/** `clw <command> --help`. */
export function commandHelp(command: Command): string {
  const own = Object.keys(command.options).length ? ["Options:", ...optionLines(command.options), ""] : [];
  return [
    `Usage: clw ${command.usage} [--api URL] [--json]`,
    "",
    wrap(command.description),
    "",
    ...own,
    "Options for every command:",
    ...optionLines(COMMON_OPTIONS),
    "",
    ...(command.examples?.length ? ["Examples:", ...command.examples.map((e) => `  ${e}`), ""] : []),
    EXIT_CODES_HELP,
    "",
  ].join("\n");
}
