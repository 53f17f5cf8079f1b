import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { unstable_readConfig } from "wrangler";
import { defineConfig } from "vitest/config";
import { configNames } from "./src/env.js";

const root = path.resolve(import.meta.dirname, "..");
const wranglerToml = path.join(root, "wrangler.toml");

/**
 * wrangler also loads a developer's `.dev.vars` (or `.env`) beside wrangler.toml, and `pnpm dev`
 * puts real settings there (a bot token turns test mode off). Every var and secret the Worker
 * reads is bound here instead: wrangler.toml's value, or empty, which the Worker reads as unset.
 */
function varsFromWranglerTomlOnly(): Record<string, string> {
  const tomlVars = unstable_readConfig({ config: wranglerToml }).vars;
  return Object.fromEntries(configNames.map((name) => [name, String(tomlVars[name] ?? "")]));
}

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: wranglerToml },
      miniflare: {
        bindings: {
          ...varsFromWranglerTomlOnly(),
          TEST_MIGRATIONS: await readD1Migrations(path.join(root, "migrations")),
          ENCLAVE_BASE_URL: inject("enclaveUrl"),
          TEST_SPARE_ENCLAVE_URL: inject("spareEnclaveUrl"),
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
