import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: path.join(root, "wrangler.toml") },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(path.join(root, "migrations")),
          ENCLAVE_BASE_URL: inject("enclaveUrl"),
          INTERNAL_API_KEY: inject("internalApiKey"),
          TICKET_SIGNING_SECRET: inject("ticketSecret"),
          SESSION_SIGNING_SECRET: inject("sessionSecret"),
          TEST_TELEGRAM_API_ROOT: inject("telegramApiRoot"),
          TEST_TELEGRAM_BOT_TOKEN: inject("telegramBotToken"),
          TEST_LEGACY_SEALING_KEY: inject("legacySealingKey"),
        },
      },
    })),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // The conversations plugin is CommonJS that requires grammY; pre-bundle it so workerd gets ESM.
    deps: { optimizer: { ssr: { enabled: true, include: ["@grammyjs/conversations", "grammy"] } } },
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/apply-migrations.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
