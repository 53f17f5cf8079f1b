// Fails when the built Mini App (dist/, what `wrangler pages deploy` publishes) carries source
// maps: `.map` files, or `sourceMappingURL` references (inline maps hold the sources themselves).
// Run after `vite build`; the dev server keeps its own maps.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

const dist = path.resolve(import.meta.dirname, "../dist");
const files = (await readdir(dist, { recursive: true, withFileTypes: true }))
  .filter((entry) => entry.isFile())
  .map((entry) => path.relative(dist, path.join(entry.parentPath, entry.name)));
if (!files.includes("index.html")) {
  console.error(`no build in ${dist}: run vite build first`);
  process.exit(1);
}

const problems: string[] = files.filter((file) => file.endsWith(".map")).map((file) => `${file}: a source map`);
for (const file of files.filter((f) => /\.(js|mjs|css|html)$/.test(f))) {
  if (/[#@] sourceMappingURL=/.test(await readFile(path.join(dist, file), "utf8"))) problems.push(`${file}: points at a source map`);
}
if (problems.length > 0) {
  console.error(`the Mini App build would publish its sources:\n  ${problems.join("\n  ")}\nset build.sourcemap to false in vite.config.ts`);
  process.exit(1);
}
console.log(`no source maps in dist/ (${files.length} files)`);
