import type { Readable } from "node:stream";

/** Captures a child's output: the last lines kept for error messages, optionally echoed. */
export interface OutputLog {
  /** The last captured lines joined with newlines. */
  tail(lines?: number): string;
}

export interface OutputLogOptions {
  /** How many lines to keep (default 200). */
  capacity?: number;
  /** When set, every line is also written to `sink` as `[prefix] line`. */
  prefix?: string;
  sink?: NodeJS.WritableStream;
}

let echoing = true;

/**
 * Stops echoing every log's lines from now on (they are still kept for `tail`): once the user
 * has asked to stop, the children's complaints about being terminated are noise.
 */
export function silenceEchoes(): void {
  echoing = false;
}

/**
 * Follows the given streams line by line into a ring buffer (and, with a prefix, to the sink,
 * stdout by default). Never throws; a partial last line is kept until more data arrives.
 */
export function createOutputLog(streams: Array<Readable | null>, options: OutputLogOptions = {}): OutputLog {
  const capacity = options.capacity ?? 200;
  const sink = options.sink ?? process.stdout;
  const lines: string[] = [];
  const push = (line: string) => {
    lines.push(line);
    if (lines.length > capacity) lines.shift();
    if (options.prefix !== undefined && echoing) sink.write(`[${options.prefix}] ${line}\n`);
  };
  for (const stream of streams) {
    if (!stream) continue;
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (pending + chunk).split(/\r?\n/);
      pending = parts.pop() ?? "";
      parts.forEach(push);
    });
    stream.on("end", () => {
      if (pending) push(pending);
      pending = "";
    });
  }
  return {
    tail(count = 40) {
      return lines.slice(-count).join("\n");
    },
  };
}
