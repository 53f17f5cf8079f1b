import { defineConfig } from "vitest/config";

// Real processes (enclave, wrangler dev, vite) and a real headless Chromium: one file at a time.
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
