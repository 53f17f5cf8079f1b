import type { AgentKeyIssued } from "@clw/shared";
import { agentKeyEnvLine } from "../agent-words.js";
import { CopyButton } from "./copy-button.js";

/**
 * A new agent key, shown this once: clw.cash keeps only its hash. The key, the exact environment
 * line the agent reads, copy buttons, and a warning; `onDone` forgets it.
 */
export function AgentKeyOnce({ issued, onDone }: { issued: AgentKeyIssued; onDone: () => void }) {
  const line = agentKeyEnvLine(issued.agent_key);
  return (
    <div className="notice-warning key-once" role="region" aria-labelledby="key-once-heading" data-testid="agent-key-once">
      <strong id="key-once-heading">The key for “{issued.agent.name}”, shown only this once</strong>
      <p>clw.cash keeps only a hash of it and can never show it again. Copy it into the agent's environment now:</p>
      <p className="mono break secret" data-testid="agent-env-line">{line}</p>
      <CopyButton value={line} label="Copy the line" />
      <p className="hint">The key alone:</p>
      <p className="mono break secret" data-testid="agent-key">{issued.agent_key}</p>
      <CopyButton value={issued.agent_key} label="Copy the key" />
      <p className="hint">Anyone who holds it can do what it allows until you revoke it. Lost it? Revoke it below and make another.</p>
      <button type="button" className="button button-primary" onClick={onDone} data-testid="agent-key-saved">
        I've saved it
      </button>
    </div>
  );
}
