/**
 * `pnpm bench`: load benchmarks against the real local stack.
 * Usage: `pnpm bench -- [--seconds 10] [--clients 8] [--runs 1] [--only sign|telegram]`
 */
import { readOptions } from "./options.js";
import { benchSignFlow } from "./sign-flow.js";
import { benchTelegramUpdates } from "./telegram-updates.js";

async function main(): Promise<void> {
  const options = readOptions();
  if (options.only !== "telegram") await benchSignFlow(options);
  if (options.only !== "sign") await benchTelegramUpdates(options);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
