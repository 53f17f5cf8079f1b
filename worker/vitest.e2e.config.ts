import { defineConfig } from "vitest/config";

/**
 * End-to-end tests: each file starts the real Worker (`wrangler dev`) and enclave on loopback
 * ports in beforeAll and stops them in afterAll. Files run one at a time (2-core machines).
 */
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
