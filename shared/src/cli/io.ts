/** Everything `clw` needs from its process, so commands run the same in tests and for real. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Writes to stdout: results only (with `--json`, exactly one JSON object). */
  stdout(text: string): void;
  /** Writes to stderr: prompts, progress and errors. */
  stderr(text: string): void;
  /** stderr is a terminal, so a progress line may redraw itself. */
  interactive: boolean;
  /** All of stdin, as bytes. */
  readStdin(): Promise<Uint8Array>;
  /** Where relative file arguments are resolved. */
  cwd: string;
  homedir: string;
  /** Aborted on Ctrl-C: every request and wait stops. */
  signal: AbortSignal;
  fetch?: typeof fetch;
  /** How often `login` polls for the owner's decision (2 s). */
  pollIntervalMs?: number;
}

/** Resolves after `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", stop, { once: true });
  });
}

/**
 * A status line on stderr: on a terminal it redraws in place with its `live` part (a countdown);
 * elsewhere each distinct text is written once, without it, so logs stay short.
 */
export function progressLine(io: CliIo) {
  let last = "";
  let drawn = false;
  return {
    update(text: string, live = "") {
      if (io.interactive) {
        io.stderr(`\r\x1b[2K${text}${live}`);
        drawn = true;
      } else if (text !== last) {
        io.stderr(`${text}\n`);
      }
      last = text;
    },
    /** Ends the line so what follows starts on a fresh one. */
    done() {
      if (drawn) io.stderr("\n");
      drawn = false;
    },
  };
}
