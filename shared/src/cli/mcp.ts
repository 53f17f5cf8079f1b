import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { digestSchema, idSchema, LIMITS, paymentSchema, psbtSchema, type PendingIntent } from "../contract/index.js";
import { describeFailure } from "./errors.js";
import type { CliIo } from "./io.js";
import { connectAgent, findKey, listKeys, newIdempotencyKey, pickIdentity, requestStatus, signDigest, signPsbt, StillPending, type Agent, type WaitOptions } from "./tools.js";

const VERSION = "0.1.0";

const INSTRUCTIONS = `Signing keys held in clw.cash's enclave for you by your owner, who controls them from Telegram.
list_keys shows the identities you may use (id, public key, Taproot address). sign_digest makes a BIP-340 Schnorr signature over a 32-byte digest; sign_psbt signs your inputs of a Bitcoin PSBT. When the owner's policy asks for approval, these wait for the owner's decision in Telegram; if it has not come when wait_seconds run out, the answer has status "pending_approval": call the same tool again with the same arguments and the idempotency_key it gives to keep waiting, or request_status to look.`;

// The input shapes are the contract's own schemas, so the tools accept exactly what the API does.
const identityId = idSchema.optional().describe("the identity to use (default: the only one this agent key may use)");
const waitSeconds = z.number().int().min(0).max(600).optional().describe("how long to wait for the owner's approval when the policy asks for it (default 45)");
const idempotencyKey = z.string().regex(/^[\x21-\x7e]+$/).max(LIMITS.maxIdempotencyKey).optional().describe("send the idempotency_key of an answer still pending_approval to pick up that same request");

const ok = (value: Record<string, unknown>): CallToolResult => ({ content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: value });

/** A refusal or failure as a tool error the model reads, never a crash; a request still waiting as a normal answer. */
function failed(error: unknown, tool: string): CallToolResult {
  if (error instanceof StillPending) {
    const { request, idempotencyKey: key } = error;
    const pending = { status: "pending_approval", request_id: request.id, approval_url: request.approval_url, expires_at: request.expires_at, idempotency_key: key };
    const text = `Not signed yet: ${error.message}. Call ${tool} again with the same arguments and idempotency_key "${key}" to keep waiting.\n${JSON.stringify(pending, null, 2)}`;
    return { content: [{ type: "text", text }], structuredContent: pending };
  }
  return { content: [{ type: "text", text: describeFailure(error).message }], isError: true };
}

type Extra = { signal: AbortSignal; _meta?: { progressToken?: string | number }; sendNotification: (n: { method: "notifications/progress"; params: { progressToken: string | number; progress: number; message?: string } }) => Promise<void> };

/**
 * The MCP server of `clw mcp`: the agent's tools over the same credentials as the CLI, read at
 * each call (so a later `clw login` applies at once).
 */
export function createMcpServer(io: CliIo, apiFlag?: string): McpServer {
  const server = new McpServer({ name: "clw", version: VERSION }, { instructions: INSTRUCTIONS });
  const connect = (extra: Extra) => connectAgent(io, apiFlag, AbortSignal.any([io.signal, extra.signal]));
  const tool = <A>(name: string, run: (agent: Agent, args: A, extra: Extra) => Promise<Record<string, unknown>>) => async (args: A, extra: Extra) => {
    try {
      return ok(await run(await connect(extra), args, extra));
    } catch (error) {
      return failed(error, name);
    }
  };
  const waitFor = (args: { wait_seconds?: number; idempotency_key?: string }, extra: Extra): WaitOptions => ({
    timeoutSeconds: args.wait_seconds ?? 45,
    idempotencyKey: args.idempotency_key ?? newIdempotencyKey(),
    onPending: (intent: PendingIntent) => {
      const token = extra._meta?.progressToken;
      if (token !== undefined) void extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: 0, message: `waiting for the owner's approval in Telegram: ${intent.approval_url}` } }).catch(() => {});
    },
  });

  server.registerTool("list_keys", { title: "List keys", description: "The identities this agent key may use: id, compressed public key, BIP-86 Taproot address.", annotations: { readOnlyHint: true } }, (extra) =>
    tool("list_keys", async (agent) => ({ items: await listKeys(agent) }))(undefined, extra as Extra),
  );
  server.registerTool(
    "get_address",
    { title: "Get address", description: "An identity's BIP-86 Taproot address on the API's network (coins sent there, that key can spend).", inputSchema: { identity_id: identityId }, annotations: { readOnlyHint: true } },
    tool("get_address", async (agent, args: { identity_id?: string }) => {
      const key = await findKey(agent, args.identity_id, "identity_id");
      return { identity_id: key.id, address: key.address, public_key: key.public_key };
    }),
  );
  server.registerTool(
    "sign_digest",
    {
      title: "Sign a digest",
      description: "A BIP-340 Schnorr signature (128 hex) over a 32-byte digest, verifiable against the identity's x-only key. A raw digest's content cannot be checked: `payment` declares what it pays, shown to the owner as your claim. Waits for the owner when the policy asks.",
      inputSchema: { digest: digestSchema.describe("the 32-byte digest, 64 hex characters (optionally 0x-prefixed)"), identity_id: identityId, payment: paymentSchema.optional().describe("what this digest pays, as you declare it"), wait_seconds: waitSeconds, idempotency_key: idempotencyKey },
    },
    tool("sign_digest", async (agent, args: { digest: string; identity_id?: string; payment?: z.infer<typeof paymentSchema>; wait_seconds?: number; idempotency_key?: string }, extra) => {
      const id = await pickIdentity(agent, args.identity_id, "identity_id");
      return { ...(await signDigest(agent, id, args.digest, args.payment, waitFor(args, extra))) };
    }),
  );
  server.registerTool(
    "sign_psbt",
    {
      title: "Sign a PSBT",
      description: "Signs the identity's inputs (Taproot key path) of a PSBT given in base64: the API decodes it and checks what it really pays against the policy. Answers the signed PSBT, the inputs signed and, with finalize once every input is complete, the raw transaction (tx_hex). Waits for the owner when the policy asks.",
      inputSchema: { psbt: psbtSchema.describe("the PSBT, base64"), identity_id: identityId, finalize: z.boolean().optional().describe("finalise and answer tx_hex when every input is signed"), wait_seconds: waitSeconds, idempotency_key: idempotencyKey },
    },
    tool("sign_psbt", async (agent, args: { psbt: string; identity_id?: string; finalize?: boolean; wait_seconds?: number; idempotency_key?: string }, extra) => {
      const id = await pickIdentity(agent, args.identity_id, "identity_id");
      return { ...(await signPsbt(agent, id, args.psbt, args.finalize === true, waitFor(args, extra))) };
    }),
  );
  server.registerTool(
    "request_status",
    {
      title: "Request status",
      description: "Where one of your signing requests stands: pending_approval, approved, denied, expired or used, with what it signs and who decided.",
      inputSchema: { request_id: idSchema.describe("the request id (from a pending_approval answer)"), wait_seconds: z.number().int().min(0).max(LIMITS.maxWaitSeconds).optional().describe("hold on up to this long (at most 25 s) while it is pending") },
      annotations: { readOnlyHint: true },
    },
    tool("request_status", async (agent, args: { request_id: string; wait_seconds?: number }) => {
      const { ticket: _ticket, ...state } = await requestStatus(agent, args.request_id, args.wait_seconds ?? 0, "request_id");
      return state;
    }),
  );
  return server;
}

/** `clw mcp`: serves the tools over stdio until the client closes stdin or Ctrl-C. Nothing but MCP messages goes to stdout. */
export async function runMcp(io: CliIo, apiFlag?: string, stdin: NodeJS.ReadableStream = process.stdin, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  const server = createMcpServer(io, apiFlag);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport(stdin as NodeJS.ReadStream & typeof process.stdin, stdout as typeof process.stdout));
  const close = () => void server.close();
  stdin.once("end", close);
  io.signal.addEventListener("abort", close, { once: true });
  io.stderr(`clw mcp: serving list_keys, get_address, sign_digest, sign_psbt, request_status over stdio\n`);
  await closed;
}
