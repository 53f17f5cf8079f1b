import type { Agent, AgentKeyIssued, Identity } from "@clw/shared";
import { useState } from "react";
import { agentsToList } from "../agent-words.js";
import { botUsername, chatName } from "../bot-chat.js";
import { useHost } from "../host.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useAsync } from "../use-async.js";
import { AgentKeyOnce } from "./agent-key-once.js";
import { AgentRow } from "./agent-row.js";
import { NewAgentForm } from "./new-agent-form.js";
import { ErrorNotice, Loading } from "./status.js";

/**
 * The owner's agent keys (revoked and expired ones behind a toggle), each revocable at once, and
 * "New agent key": inside Telegram, with the launch's proof of presence; in a browser, which can
 * never make one, how to make one in the chat or from the agent's machine instead.
 */
export function AgentsSection({ identities }: { identities: Identity[] | null }) {
  const host = useHost();
  const { api, session } = useSession();
  const guarded = useGuarded();
  const list = useAsync(() => guarded(() => api.listAgents()), "agents");
  // Keys made or revoked on this screen, so the list shows them without loading again.
  const [changed, setChanged] = useState<ReadonlyMap<string, Agent>>(new Map());
  const [showHidden, setShowHidden] = useState(false);
  const [composing, setComposing] = useState(false);
  const [issued, setIssued] = useState<AgentKeyIssued | null>(null);
  // This launch's proof of presence is spent (a key was made with it) or was refused.
  const [proofGone, setProofGone] = useState(false);
  const initData = host.kind === "telegram" ? host.initData : undefined;
  const note = (agent: Agent) => setChanged((m) => new Map(m).set(agent.id, agent));
  const publicKeys = identities ? new Map(identities.map((i) => [i.id, i.public_key])) : null;
  const { shown, hidden } = list.status === "ready" ? agentsToList(list.data, changed) : { shown: [], hidden: [] };

  const minted = (fresh: AgentKeyIssued) => {
    note(fresh.agent);
    setIssued(fresh);
    setComposing(false);
    setProofGone(true);
  };

  return (
    <section className="card" aria-labelledby="agents-heading" data-testid="agents">
      <h2 id="agents-heading">Agents</h2>
      <p className="hint">Keys that let your AI agents and programs sign and read without you: each named, limited to the keys and permissions you chose, and revocable at once.</p>
      {issued && <AgentKeyOnce issued={issued} onDone={() => setIssued(null)} />}
      {list.status === "loading" && <Loading label="Loading agent keys…" />}
      {list.status === "error" && <ErrorNotice title="Could not load your agent keys" message={failureMessage(list.error)} action="Try again" onAction={list.reload} />}
      {list.status === "ready" && shown.length === 0 && <p data-testid="no-agents">No agent has a working key.</p>}
      {shown.length > 0 && (
        <ul className="sessions" aria-label="Agent keys">
          {shown.map((agent) => <AgentRow key={agent.id} agent={agent} publicKeys={publicKeys} onRevoked={note} />)}
        </ul>
      )}
      {hidden.length > 0 && (
        <button type="button" className="link-button" onClick={() => setShowHidden((v) => !v)} aria-expanded={showHidden} data-testid="toggle-inactive-agents">
          {showHidden ? "Hide revoked and expired keys" : `Show revoked and expired keys (${hidden.length})`}
        </button>
      )}
      {showHidden && hidden.length > 0 && (
        <ul className="sessions" aria-label="Revoked and expired agent keys">
          {hidden.map((agent) => <AgentRow key={agent.id} agent={agent} publicKeys={publicKeys} onRevoked={note} />)}
        </ul>
      )}
      {!initData ? (
        <MintElsewhere bot={botUsername(session)} />
      ) : composing ? (
        <NewAgentForm identities={identities} initData={initData} onIssued={minted} onCancel={() => setComposing(false)} onProofGone={() => setProofGone(true)} />
      ) : proofGone ? (
        !issued && <p className="hint" data-testid="reopen-to-mint">To make another agent key, close the Mini App and open it again from the chat: each launch proves you're here for one change.</p>
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setComposing(true)} data-testid="new-agent-key">
          New agent key…
        </button>
      )}
    </section>
  );
}

/** Outside Telegram nothing proves the owner is here, so the page says where a key can be made. */
function MintElsewhere({ bot }: { bot: string | null }) {
  return (
    <div className="notice" data-testid="mint-elsewhere">
      <p>
        <strong>New agent keys are made only with you in Telegram</strong>, and this browser can't prove you're there. To give an agent a key:
      </p>
      <ul className="steps">
        <li>
          send <code>/agents new &lt;name&gt;</code> in {chatName(bot)}: the bot shows the key once; or
        </li>
        <li>
          run <code>clw login</code> on the agent's machine and approve it in the chat: the key goes straight to the agent.
        </li>
      </ul>
      <p className="hint">Or open this app from the bot inside Telegram and choose “New agent key”.</p>
      {bot && (
        <a className="button button-secondary" href={`https://t.me/${bot}`} target="_blank" rel="noreferrer">
          Open @{bot} in Telegram
        </a>
      )}
    </div>
  );
}
