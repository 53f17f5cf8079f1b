import type { Command } from "../command.js";

export const mcpCommand: Command = {
  name: "mcp",
  summary: "serve the same tools to an MCP client over stdio",
  usage: "mcp",
  description: [
    "A Model Context Protocol server on stdin/stdout with the tools list_keys, get_address, sign_digest, sign_psbt and request_status. It uses the same credentials as the other commands (CLW_API_URL, CLW_AGENT_KEY, the saved key), read at every call. Nothing but MCP messages goes to stdout; it says it started on stderr.",
    "A tool that waits for the owner answers status \"pending_approval\" with an idempotency_key when wait_seconds (default 45) run out: calling it again with that key picks up the same request. Errors are tool results with isError and the API's message.",
    "MCP client configuration (absolute path to this repository):\n  {\"mcpServers\": {\"clw\": {\"command\": \"node\", \"args\": [\"/path/to/clw.cash/shared/bin/clw.mjs\", \"mcp\"]}}}",
  ].join("\n\n"),
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ io, api }) {
    // Loaded here, so the other commands start without the MCP SDK.
    const { runMcp } = await import("../mcp.js");
    await runMcp(io, api);
  },
};
