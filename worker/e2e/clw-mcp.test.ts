/**
 * `clw mcp` as an MCP client starts it: a real process over stdio, driven by the SDK's own
 * Client, signed in with `clw login` against the real local stack (test mode).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { schnorr } from "@noble/curves/secp256k1.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../stack/components.js";
import { agentHome, CLW_BIN, loginAgent, ownerWithIdentity, removeAgentHomes } from "./clw.js";
import { randomDigest, useLocalStack } from "./support.js";

const stack = useLocalStack();
const hex = (value: string) => Uint8Array.from(Buffer.from(value, "hex"));
const text = (result: Awaited<ReturnType<Client["callTool"]>>) => (result.content as { type: string; text: string }[])[0]!.text;

let client: Client;
let transport: StdioClientTransport;
let serverStderr = "";
let owner: Awaited<ReturnType<typeof ownerWithIdentity>>;

beforeAll(async () => {
  owner = await ownerWithIdentity(stack().apiUrl);
  const home = await agentHome();
  await loginAgent(stack().apiUrl, owner.telegramUserId, home.env, "mcp-agent");
  // As an MCP client configures it: node and the bin's absolute path, from an unrelated directory.
  transport = new StdioClientTransport({ command: process.execPath, args: [CLW_BIN, "mcp"], env: home.env, cwd: "/", stderr: "pipe" });
  transport.stderr?.on("data", (chunk: Buffer) => (serverStderr += chunk.toString()));
  client = new Client({ name: "e2e", version: "1.0.0" });
  await client.connect(transport);
});

afterAll(async () => {
  const pid = transport?.pid;
  try {
    await client?.close();
    // The server is gone once the client closes.
    if (pid) expect(() => process.kill(pid, 0)).toThrow();
  } finally {
    // Whatever the assertion said, nothing is left running and the homes are removed.
    if (pid) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone, as it should be
      }
    }
    await removeAgentHomes();
  }
});

describe("clw mcp through the SDK's Client over stdio", () => {
  it("lists the five tools with their input schemas", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["get_address", "list_keys", "request_status", "sign_digest", "sign_psbt"]);
    for (const tool of tools) expect(tool.inputSchema.type, tool.name).toBe("object");
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.inputSchema]));
    expect(byName.sign_digest!.required).toEqual(["digest"]);
    expect(byName.sign_digest!.properties).toHaveProperty("payment.properties.amount_sats.type", "integer");
    expect(byName.sign_psbt!.required).toEqual(["psbt"]);
    expect(byName.request_status!.required).toEqual(["request_id"]);
    expect(serverStderr).toContain("clw mcp: serving");
  });

  it("list_keys shows the owner's key with its address", async () => {
    const result = await client.callTool({ name: "list_keys", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(text(result))).toEqual({ items: [{ id: owner.identity.id, public_key: owner.identity.public_key, address: owner.identity.address, created_at: owner.identity.created_at }] });
  });

  it("sign_digest answers a BIP-340 signature that verifies against the x-only key", async () => {
    const digest = randomDigest();
    const result = await client.callTool({ name: "sign_digest", arguments: { digest } });
    expect(result.isError, text(result)).toBeFalsy();
    const { signature, identity_id } = result.structuredContent as { signature: string; identity_id: string };
    expect(identity_id).toBe(owner.identity.id);
    expect(schnorr.verify(hex(signature), hex(digest), hex(owner.identity.public_key.slice(2)))).toBe(true);
  });

  it("a bad digest, an unknown identity and an unknown request are isError results with the reason, and the server keeps serving", async () => {
    const bad = await client.callTool({ name: "sign_digest", arguments: { digest: "not-a-digest" } });
    expect([bad.isError, text(bad)]).toEqual([true, expect.stringContaining("digest must be 32 bytes as 64 hex characters")]);
    const foreign = await client.callTool({ name: "sign_digest", arguments: { digest: randomDigest(), identity_id: crypto.randomUUID() } });
    expect([foreign.isError, text(foreign)]).toEqual([true, expect.stringMatching(/HTTP 40[34]/)]);
    const unknown = await client.callTool({ name: "request_status", arguments: { request_id: crypto.randomUUID() } });
    expect([unknown.isError, text(unknown)]).toEqual([true, "no such sign intent (not_found, HTTP 404)"]);
    expect((await client.callTool({ name: "get_address", arguments: {} })).structuredContent).toMatchObject({ address: owner.identity.address });
  });

  it("is configured in the README the way this test starts it", async () => {
    const readme = await readFile(path.join(REPO_ROOT, "README.md"), "utf8");
    expect(readme).toContain(`"command": "node",\n      "args": ["/absolute/path/to/clw.cash/${path.relative(REPO_ROOT, CLW_BIN)}", "mcp"]`);
  });
});
