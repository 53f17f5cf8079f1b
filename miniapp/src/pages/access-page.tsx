import { SessionsSection } from "../components/sessions-section.js";

/**
 * Who can act for the owner. Sessions today; each kind of credential (agent keys, when they come)
 * gets its own section here.
 */
export function AccessPage({ onSignedOutEverywhere }: { onSignedOutEverywhere: () => void }) {
  return (
    <main className="page">
      <h1 className="title">Access</h1>
      <p className="hint">Who can act for you with this account, and how to cut them off.</p>
      <SessionsSection onSignedOutEverywhere={onSignedOutEverywhere} />
    </main>
  );
}
