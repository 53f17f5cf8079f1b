import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../src/env.js";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      TEST_TELEGRAM_API_ROOT: string;
      TEST_TELEGRAM_BOT_TOKEN: string;
      TEST_LEGACY_SEALING_KEY: string;
      TEST_SPARE_ENCLAVE_URL: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index.js");
    }
  }
}
