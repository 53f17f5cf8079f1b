/**
 * `pnpm bench`: load benchmarks against the real local stack.
 * Usage: `pnpm bench -- [--seconds 10] [--clients 8] [--runs 1] [--only sign,batch,approvals,telegram]`
 */
import { benchApprovals } from "./approvals.js";
import { benchBatch } from "./batch.js";
import { readOptions, type Phase } from "./options.js";
import { benchSignFlow } from "./sign-flow.js";
import { benchTelegramUpdates } from "./telegram-updates.js";

const PHASES: Record<Phase, (options: ReturnType<typeof readOptions>) => Promise<void>> = {
  sign: benchSignFlow,
  batch: benchBatch,
  approvals: benchApprovals,
  telegram: benchTelegramUpdates,
};

async function main(): Promise<void> {
  const options = readOptions();
  for (const phase of options.only) await PHASES[phase](options);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
