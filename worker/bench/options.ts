import { parseArgs } from "node:util";

export const PHASES = ["sign", "batch", "approvals", "telegram"] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  seconds: number;
  clients: number;
  runs: number;
  /** The phases to run, in order (default: all). */
  only: Phase[];
}

/** Parses `[--seconds 10] [--clients 8] [--runs 1] [--only sign,batch,approvals,telegram]`. @throws on bad values. */
export function readOptions(): BenchOptions {
  // `pnpm bench -- --seconds 3` may pass the `--` through: drop it.
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: { seconds: { type: "string", default: "10" }, clients: { type: "string", default: "8" }, runs: { type: "string", default: "1" }, only: { type: "string" } },
  });
  const num = (name: string, raw: string, max: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
    return value;
  };
  const only = values.only === undefined ? [...PHASES] : values.only.split(",").map((p) => p.trim());
  const unknown = only.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`--only takes ${PHASES.join(", ")} (comma-separated), not ${unknown.join(", ")}`);
  return { seconds: num("seconds", values.seconds, 600), clients: num("clients", values.clients, 256), runs: num("runs", values.runs, 20), only: only as Phase[] };
}
