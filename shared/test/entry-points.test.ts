import { describe, expect, it } from "vitest";
import * as main from "../src/index.js";
import * as psbt from "../src/psbt/index.js";

const sources = import.meta.glob<string>("../src/**/*.ts", { query: "?raw", import: "default", eager: true });
// Glob keys are relative to this folder; resolve them against a made-up root to follow imports.
const ROOT = "/package";
const TEST_DIR = `file://${ROOT}/test/`;
const IMPORT = /^(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm;

/** Every package a module pulls in at run time, following its relative imports (type-only ones excluded). */
function packagesReachedFrom(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = sources[file];
    if (source === undefined) throw new Error(`no source for ${file}`);
    for (const match of source.matchAll(IMPORT)) {
      if (/^(?:import|export)\s+type\s/.test(match[0])) continue;
      const spec = match[1]!;
      if (!spec.startsWith(".")) packages.add(spec);
      else visit(`..${new URL(spec.replace(/\.js$/, ".ts"), new URL(file, TEST_DIR)).pathname.slice(ROOT.length)}`);
    }
  };
  visit(entry);
  return packages;
}

describe("entry points", () => {
  it("the main entry never pulls in the PSBT parser (the Mini App imports it)", () => {
    const reached = [...packagesReachedFrom("../src/index.ts")];
    expect(reached.length).toBeGreaterThan(2);
    expect(reached.filter((p) => p.startsWith("@scure/btc-signer"))).toEqual([]);
  });

  it("the summary schema imports only zod", () => {
    expect([...packagesReachedFrom("../src/psbt/summary-schema.ts")]).toEqual(["zod"]);
  });

  it("the main entry offers the summary schema; the PSBT functions live behind @clw/shared/psbt", () => {
    expect(main.transactionSummarySchema).toBe(psbt.transactionSummarySchema);
    expect("analyzePsbt" in main).toBe(false);
    expect(typeof psbt.analyzePsbt).toBe("function");
  });

  it("the PSBT entry does pull in btc-signer (so the first test can fail)", () => {
    expect([...packagesReachedFrom("../src/psbt/index.ts")]).toContain("@scure/btc-signer");
  });

  it("the main entry never reaches the clw command (Node built-ins, the MCP SDK, the QR renderer)", () => {
    const cliOnly = (p: string) => p.startsWith("node:") || p.startsWith("@modelcontextprotocol/") || p === "uqr" || p.startsWith("tsx");
    expect([...packagesReachedFrom("../src/index.ts")].filter(cliOnly)).toEqual([]);
    expect([...packagesReachedFrom("../src/psbt/index.ts")].filter(cliOnly)).toEqual([]);
  });

  it("the clw command does pull them in (so the test above can fail)", () => {
    expect([...packagesReachedFrom("../src/cli/main.ts")]).toEqual(expect.arrayContaining(["node:fs/promises", "uqr"]));
    // `clw mcp` loads its server on demand, so the other commands start without the SDK.
    expect([...packagesReachedFrom("../src/cli/mcp.ts")]).toContain("@modelcontextprotocol/sdk/server/mcp.js");
  });
});
