import { AgentsSection } from "../components/agents-section.js";
import { SessionsSection } from "../components/sessions-section.js";
import { WaitingChangesSection } from "../components/waiting-changes-section.js";
import { useGuarded, useSession } from "../session-context.js";
import { useAsync } from "../use-async.js";

/**
 * Who can act for the owner, and what waits for them: changes to confirm or cancel, agent keys,
 * and sessions. The owner's keys are loaded once here, to name them.
 */
export function AccessPage({ onSignedOutEverywhere }: { onSignedOutEverywhere: () => void }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const keys = useAsync(() => guarded(() => api.listIdentities()), "access-identities");
  const identities = keys.status === "ready" ? keys.data : null;
  const publicKeys = identities ? new Map(identities.map((i) => [i.id, i.public_key])) : null;
  return (
    <main className="page">
      <h1 className="title">Access</h1>
      <p className="hint">Who can act for you with this account, how to cut them off, and the changes that wait for you.</p>
      <WaitingChangesSection publicKeys={publicKeys} />
      <AgentsSection identities={identities} />
      <SessionsSection onSignedOutEverywhere={onSignedOutEverywhere} />
    </main>
  );
}
