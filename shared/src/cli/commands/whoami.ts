import type { Agent } from "../../contract/index.js";
import type { Command } from "../command.js";
import { connectAgent } from "../tools.js";

/** An agent key in words, one `label  value` line each. */
export function describeAgent(agent: Agent, apiUrl: string): string {
  const lines: [string, string][] = [
    ["agent", agent.name],
    ["id", agent.id],
    ["api", apiUrl],
    ["keys", agent.identity_ids === null ? "all of the owner's, including later ones" : agent.identity_ids.join(", ") || "none"],
    ["may", agent.permissions.join(", ") || "nothing"],
    ["expires", agent.expires_at ?? "never (until the owner revokes it)"],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  return lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n") + "\n";
}

export const whoamiCommand: Command = {
  name: "whoami",
  summary: "what this agent key is: its name, keys, permissions and expiry, as the API knows them",
  usage: "whoami",
  description: "Asks the API about the agent key in use (it needs no permission), so what it prints is current: a key the owner revoked or that expired is refused here (`unauthorized`, exit 1), whatever the saved config says.",
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ io, api }) {
    const agent = await connectAgent(io, api);
    const current = await agent.client.currentAgent();
    return { json: current, text: describeAgent(current, agent.credentials.apiUrl) };
  },
};
