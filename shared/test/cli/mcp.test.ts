import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterEach, describe, expect, it } from "vitest";
import { saveAgent } from "../../src/cli/config.js";
import { createMcpServer } from "../../src/cli/mcp.js";
import { cliHarness, fakeApi, ID, identity, intentState, OTHER_ID, saved, SIG } from "./harness.js";

const DIGEST = "ef".repeat(32);
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** An MCP client talking to `clw mcp`'s server in memory, signed in, against a made-up API. */
async function connected(handlers: Parameters<typeof fakeApi>[0], identityIds: string[] | null = null, signedIn = true) {
  const api = fakeApi(handlers);
  const h = await cliHarness({ fetch: api.fetch });
  if (signedIn) await saveAgent(h.configFile, saved(identityIds));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMcpServer(h.io).connect(serverSide);
  const client = new Client({ name: "test", version: "1" });
  await client.connect(clientSide);
  clients.push(client);
  return { client, calls: api.calls, h };
}

const text = (result: Awaited<ReturnType<Client["callTool"]>>) => (result.content as { type: string; text: string }[])[0]!.text;

describe("clw mcp's tools", () => {
  it("lists five tools whose input schemas come from the contract", async () => {
    const { client } = await connected({});
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["get_address", "list_keys", "request_status", "sign_digest", "sign_psbt"]);
    const sign = tools.find((t) => t.name === "sign_digest")!;
    expect(sign.inputSchema.required).toEqual(["digest"]);
    expect(sign.inputSchema.properties).toMatchObject({
      digest: { type: "string" },
      identity_id: { type: "string", pattern: expect.stringContaining("[0-9a-f]{8}") },
      payment: { type: "object", required: ["amount_sats", "destination"], properties: { amount_sats: { type: "integer", minimum: 1 }, memo: { maxLength: 280 } } },
    });
    expect(tools.find((t) => t.name === "sign_psbt")!.inputSchema.properties).toMatchObject({ psbt: { type: "string", maxLength: 65536 }, finalize: { type: "boolean" } });
    expect(tools.find((t) => t.name === "request_status")!.inputSchema.properties).toMatchObject({ wait_seconds: { maximum: 25 } });
  });

  it("list_keys and get_address answer JSON text and structured content", async () => {
    const { client } = await connected({ "GET /v1/identities": () => ({ status: 200, body: { items: [identity(), identity(OTHER_ID)] } }) });
    const keys = await client.callTool({ name: "list_keys", arguments: {} });
    expect(keys.isError).toBeFalsy();
    expect(JSON.parse(text(keys)).items.map((k: { id: string }) => k.id)).toEqual([ID, OTHER_ID]);
    expect(keys.structuredContent).toEqual(JSON.parse(text(keys)));
    const address = await client.callTool({ name: "get_address", arguments: { identity_id: OTHER_ID } });
    expect(address.structuredContent).toMatchObject({ identity_id: OTHER_ID, address: "bc1pxyz" });
    const ambiguous = await client.callTool({ name: "get_address", arguments: {} });
    expect([ambiguous.isError, text(ambiguous)]).toEqual([true, expect.stringContaining("choose one with identity_id")]);
  });

  it("sign_digest signs; a bad digest is an isError result with the contract's message, asking the API nothing", async () => {
    const { client, calls } = await connected(
      { [`POST /v1/identities/${ID}/sign-intent`]: () => ({ status: 201, body: { id: "i", identity_id: ID, digest_hash: "h", nonce: "n", scope: "sign", expires_at: "t", ticket: "T" } }), [`POST /v1/identities/${ID}/sign`]: () => ({ status: 200, body: { signature: SIG } }) },
      [ID],
    );
    const signed = await client.callTool({ name: "sign_digest", arguments: { digest: `0x${DIGEST}` } });
    expect(signed.structuredContent).toEqual({ identity_id: ID, digest: DIGEST, signature: SIG });
    const before = calls.length;
    const bad = await client.callTool({ name: "sign_digest", arguments: { digest: "xyz" } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain("digest must be 32 bytes as 64 hex characters");
    expect(calls).toHaveLength(before);
  });

  it("the API's refusals and a missing key are isError results, never a crash", async () => {
    const { client } = await connected({ [`POST /v1/identities/${ID}/sign-intent`]: () => ({ status: 403, body: { error: "raw digests are refused by this key's policy", code: "policy_denied" } }) }, [ID]);
    const refused = await client.callTool({ name: "sign_digest", arguments: { digest: DIGEST } });
    expect([refused.isError, text(refused)]).toEqual([true, "raw digests are refused by this key's policy (policy_denied, HTTP 403)"]);
    const anonymous = await connected({}, null, false);
    const none = await anonymous.client.callTool({ name: "list_keys", arguments: {} });
    expect([none.isError, text(none)]).toEqual([true, expect.stringContaining("not signed in")]);
    expect((await anonymous.client.listTools()).tools).toHaveLength(5);
  });

  it("a request still waiting for the owner answers pending_approval with the key to pick it up", async () => {
    const { client, calls } = await connected(
      {
        [`POST /v1/identities/${ID}/sign-intent`]: () => ({ status: 202, body: { id: "p", status: "pending_approval", expires_at: "t2", approval_url: "https://pay.example/#/requests/p" } }),
        "GET /v1/sign-intents/p": () => ({ status: 200, body: intentState({ status: "pending_approval" }) }),
      },
      [ID],
    );
    const answer = await client.callTool({ name: "sign_digest", arguments: { digest: DIGEST, wait_seconds: 0, idempotency_key: "job-9" } });
    expect(answer.isError).toBeFalsy();
    expect(answer.structuredContent).toEqual({ status: "pending_approval", request_id: "p", approval_url: "https://pay.example/#/requests/p", expires_at: "t2", idempotency_key: "job-9" });
    expect(text(answer)).toMatch(/^Not signed yet/);
    expect(calls[0]!.headers["idempotency-key"]).toBe("job-9");
  });

  it("request_status answers the request without its ticket", async () => {
    const id = "7cc3abc5-d5ad-43ab-8910-8a71caf74a49";
    const { client } = await connected({ [`GET /v1/sign-intents/${id}`]: () => ({ status: 200, body: intentState({ id, status: "approved", ticket: "SECRET", ticket_expires_at: "t3" }) }) });
    const state = await client.callTool({ name: "request_status", arguments: { request_id: id } });
    expect(state.structuredContent).toMatchObject({ id, status: "approved", ticket_expires_at: "t3" });
    expect(text(state)).not.toContain("SECRET");
  });
});
