import type { Agent } from "@clw/shared";
import { useState } from "react";
import { agentScopeWords, agentState, expiryWords, lastUsedWords, madeWords, permissionWords } from "../agent-words.js";
import { haptic } from "../host.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { ErrorNotice } from "./status.js";

/**
 * One agent key: its name, which keys it may use, what it may do, when it was last used and when
 * it stops working; Revoke, after a confirmation, cuts it off at once.
 */
export function AgentRow({ agent, publicKeys, onRevoked }: { agent: Agent; publicKeys: ReadonlyMap<string, string> | null; onRevoked: (agent: Agent) => void }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const [step, setStep] = useState<"idle" | "confirm" | "working">("idle");
  const [error, setError] = useState<string | null>(null);
  const state = agentState(agent);

  const revoke = async () => {
    setStep("working");
    setError(null);
    try {
      const revoked = await guarded(() => api.revokeAgent(agent.id));
      haptic.success();
      setStep("idle");
      onRevoked(revoked);
    } catch (e) {
      haptic.error();
      setError(failureMessage(e));
      setStep("confirm");
    }
  };

  return (
    <li className="session" data-testid="agent" data-agent-id={agent.id}>
      <div className="output-head">
        <strong>{agent.name}</strong>
        {state !== "active" && <span className="tag tag-off" data-testid="agent-state">{state === "revoked" ? "Revoked" : "Expired"}</span>}
      </div>
      <p data-testid="agent-scope">
        <span className="hint">Keys: </span>
        {agentScopeWords(agent.identity_ids, publicKeys)}
      </p>
      <p data-testid="agent-permissions">{permissionWords(agent.permissions)}.</p>
      <p className="hint">
        {lastUsedWords(agent)} · {expiryWords(agent)}
      </p>
      <p className="hint" data-testid="agent-made">{madeWords(agent)}.</p>
      {state === "active" && step === "idle" && (
        <button type="button" className="button button-small button-deny" onClick={() => { haptic.warning(); setStep("confirm"); }} data-testid="revoke-agent">
          Revoke…
        </button>
      )}
      {state === "active" && step !== "idle" && (
        <div role="alertdialog" aria-labelledby={`revoke-${agent.id}`}>
          <p id={`revoke-${agent.id}`}>
            <strong>Revoke “{agent.name}”?</strong> Its next request is refused, for good. An agent using it stops working until you give it a new key.
          </p>
          {error && <ErrorNotice title="Could not revoke the key" message={error} />}
          <div className="button-row">
            <button type="button" className="button button-secondary" onClick={() => setStep("idle")} disabled={step === "working"}>
              Keep it
            </button>
            <button type="button" className="button button-danger" onClick={() => void revoke()} disabled={step === "working"}>
              {step === "working" ? "Revoking…" : "Yes, revoke it"}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
