/**
 * shared/examples/quickstart.ts, the README's typed-client example, run as the README says
 * against the real local stack, and printed in the README exactly as it is in the file.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../stack/components.js";
import { runCommand } from "../stack/processes.js";
import { useLocalStack } from "./support.js";

const EXAMPLE = path.join(REPO_ROOT, "shared", "examples", "quickstart.ts");
const stack = useLocalStack();

describe("the README's quickstart", () => {
  it("signs in, creates a key and signs a digest whose BIP-340 signature checks out", async () => {
    const out = await runCommand({ name: "quickstart", command: "pnpm", args: ["--filter", "./shared", "exec", "tsx", "examples/quickstart.ts", stack().apiUrl], cwd: REPO_ROOT, env: process.env });
    expect(out).toMatch(/signed in as Telegram user 42/);
    expect(out).toMatch(/public key 0[23][0-9a-f]{64}/);
    expect(out).toMatch(/signature [0-9a-f]{128}/);
    expect(out).toMatch(/BIP-340 signature valid for x-only key [0-9a-f]{64}/);
  });

  it("is in the README as it is in the file, with the command that runs it", async () => {
    const readme = await readFile(path.join(REPO_ROOT, "README.md"), "utf8");
    const example = await readFile(EXAMPLE, "utf8");
    expect(readme).toContain("```ts\n" + example + "```");
    expect(readme).toContain("pnpm --filter ./shared exec tsx examples/quickstart.ts");
  });
});
