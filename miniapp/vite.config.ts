import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // No source maps in the build: dist/ is published as is (Pages), and maps would publish the
  // sources with it. The dev server serves its own; `vite build --sourcemap` makes a local one.
  build: { target: "es2022", sourcemap: false },
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
});
