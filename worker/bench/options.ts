import { parseArgs } from "node:util";

export interface BenchOptions {
  seconds: number;
  clients: number;
  runs: number;
  only?: "sign" | "telegram";
}

/** Parses `[--seconds 10] [--clients 8] [--runs 1] [--only sign|telegram]`. @throws on bad values. */
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
  if (values.only !== undefined && values.only !== "sign" && values.only !== "telegram") throw new Error("--only must be sign or telegram");
  return { seconds: num("seconds", values.seconds, 600), clients: num("clients", values.clients, 256), runs: num("runs", values.runs, 20), only: values.only };
}

