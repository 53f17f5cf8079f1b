import { performance } from "node:perf_hooks";

/** The outcome of one closed-loop load phase. */
export interface PhaseResult {
  ok: number;
  errors: number;
  /** The first error seen, for the report. */
  firstError?: string;
  /** Latency of every successful iteration, in ms, sorted ascending. */
  latencies: number[];
  elapsedSeconds: number;
}

export interface PhaseOptions {
  clients: number;
  seconds: number;
  /** One unit of work for client `index`; resolves true when it counts as a success. */
  iteration: (index: number) => Promise<boolean>;
  /** Hard cap per client so the loop is bounded even if iterations are instant. */
  maxIterationsPerClient?: number;
}

/**
 * Runs `clients` concurrent loops of `iteration` until `seconds` have passed (each loop finishes
 * its current iteration). A thrown iteration counts as an error; never throws itself.
 */
export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const result: PhaseResult = { ok: 0, errors: 0, latencies: [], elapsedSeconds: 0 };
  const cap = options.maxIterationsPerClient ?? 10_000_000;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const loop = async (index: number) => {
    for (let n = 0; n < cap && performance.now() < deadline; n++) {
      const t0 = performance.now();
      try {
        if (await options.iteration(index)) {
          result.ok++;
          result.latencies.push(performance.now() - t0);
        } else {
          result.errors++;
        }
      } catch (error) {
        result.errors++;
        result.firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => loop(i)));
  result.elapsedSeconds = (performance.now() - started) / 1000;
  result.latencies.sort((a, b) => a - b);
  return result;
}

/** The p-th percentile (0–100) of ascending values by nearest rank; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** The median of any values (mean of the middle two for an even count); NaN when empty. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
