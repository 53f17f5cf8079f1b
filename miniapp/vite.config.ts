import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";
import { parseBitcoinNetwork, parseBotUsername } from "./src/settings.js";

export default defineConfig(({ mode }) => {
  // Checked here so a wrong value fails `vite build` (and the dev server) instead of the page.
  const env = { ...loadEnv(mode, process.cwd(), "VITE_"), ...process.env };
  parseBitcoinNetwork(env.VITE_BITCOIN_NETWORK);
  parseBotUsername(env.VITE_BOT_USERNAME);
  return {
    plugins: [react()],
    // No source maps in the build: dist/ is published as is (Pages), and maps would publish the
    // sources with it. The dev server serves its own; `vite build --sourcemap` makes a local one.
    build: { target: "es2022", sourcemap: false },
    server: { host: "127.0.0.1", port: 5173, strictPort: true },
  };
});
