import { type Identity, keyLabel } from "@clw/shared";
import { useState } from "react";
import { identityAddress, shortAddress } from "../address.js";
import { PrimaryButton } from "../components/primary-button.js";
import { BITCOIN_NETWORK } from "../config.js";
import { ErrorNotice, Loading } from "../components/status.js";
import { haptic } from "../host.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { useAsync } from "../use-async.js";

/** The owner's active keys, newest first, and the action that creates one. */
export function IdentitiesPage({ onOpen }: { onOpen: (identity: Identity, fresh?: boolean) => void }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const list = useAsync(() => guarded(() => api.listIdentities()), "identities");
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);

  const create = async () => {
    setCreating(true);
    setCreateError(null);
    haptic.tap();
    try {
      const identity = await guarded(() => api.createIdentity());
      haptic.success();
      onOpen(identity, true);
    } catch (error) {
      haptic.error();
      setCreateError(failureMessage(error));
      setCreating(false);
    }
  };

  return (
    <main className="page">
      <h1 className="title">Your keys</h1>
      {createError && <ErrorNotice title="Could not create a key" message={createError} />}
      {list.status === "loading" && <Loading label="Loading your keys…" />}
      {list.status === "error" && (
        <ErrorNotice title="Could not load your keys" message={failureMessage(list.error)} action="Try again" onAction={list.reload} />
      )}
      {list.status === "ready" && list.data.length === 0 && (
        <div className="empty">
          <p>No keys yet.</p>
          <p className="hint">A key lives in the enclave and never leaves it. Agents can ask it to sign; you see every signature under Activity.</p>
        </div>
      )}
      {list.status === "ready" && list.data.length > 0 && (
        <ul className="list" aria-label="Keys">
          {list.data.map((identity) => (
            <IdentityRow key={identity.id} identity={identity} onOpen={onOpen} />
          ))}
        </ul>
      )}
      <div className="actions">
        <PrimaryButton text="Create a key" onClick={create} busy={creating} disabled={list.status !== "ready"} testId="create-key" />
      </div>
    </main>
  );
}

function IdentityRow({ identity, onOpen }: { identity: Identity; onOpen: (identity: Identity) => void }) {
  const address = identityAddress(identity.public_key, BITCOIN_NETWORK);
  const label = keyLabel(identity.id, new Map([[identity.id, identity.public_key]]));
  return (
    <li>
      <button type="button" className="row" onClick={() => onOpen(identity)}>
        <span className="row-main">
          <span className="row-title">{label.charAt(0).toUpperCase() + label.slice(1)}</span>
          <span className="row-sub mono">{address ? shortAddress(address) : "address unavailable"}</span>
        </span>
        <span className="row-side hint">{new Date(identity.created_at).toLocaleDateString("en", { day: "numeric", month: "short" })} ›</span>
      </button>
    </li>
  );
}
