// Prints the gzipped size of the JavaScript that dist/index.html loads on first paint (entry
// scripts and their modulepreloads; lazily imported chunks are not counted) and fails above budget.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 150 * 1024;
const dist = path.resolve(import.meta.dirname, "../dist");
const html = await readFile(path.join(dist, "index.html"), "utf8");
const sources = [
  ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
].map((match) => match[1]!);

let raw = 0;
let gzipped = 0;
for (const src of new Set(sources)) {
  const bytes = await readFile(path.join(dist, src.replace(/^\//, "")));
  const gz = gzipSync(bytes, { level: 9 }).byteLength;
  raw += bytes.byteLength;
  gzipped += gz;
  console.log(`${src}  ${(bytes.byteLength / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzipped`);
}
console.log(`first-load JS: ${(raw / 1024).toFixed(1)} KB raw, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_BYTES / 1024} KB)`);
if (gzipped > BUDGET_BYTES) {
  console.error("over budget");
  process.exit(1);
}
