import { type BitcoinNetwork, type Identity, keyLabel } from "@clw/shared";
import { useState } from "react";
import { addressUri, identityAddress } from "../address.js";
import { ApprovalOffer } from "../components/approval-offer.js";
import { CopyButton } from "../components/copy-button.js";
import { QrCode } from "../components/qr-code.js";
import { ErrorNotice } from "../components/status.js";
import { haptic } from "../host.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";

/**
 * One key: its public key, its Taproot address with a QR code, its policy, and destruction.
 * `fresh` (just created here) offers to turn approval on.
 */
export function IdentityPage({ identity, fresh = false, onPolicy, onDestroyed }: { identity: Identity; fresh?: boolean; onPolicy: () => void; onDestroyed: () => void }) {
  const [network, setNetwork] = useState<BitcoinNetwork>("mainnet");
  const address = identityAddress(identity.public_key, network);
  const label = keyLabel(identity.id, new Map([[identity.id, identity.public_key]]));
  return (
    <main className="page">
      <h1 className="title">{label.charAt(0).toUpperCase() + label.slice(1)}</h1>
      <p className="hint">Created {new Date(identity.created_at).toLocaleString("en")}</p>
      {fresh && <ApprovalOffer identityId={identity.id} />}

      <section className="card" aria-labelledby="address-heading">
        <div className="card-head">
          <h2 id="address-heading">Taproot address</h2>
          <div className="segmented" role="group" aria-label="Network">
            {(["mainnet", "testnet"] as const).map((n) => (
              <button key={n} type="button" aria-pressed={network === n} className={network === n ? "on" : ""} onClick={() => setNetwork(n)}>
                {n === "mainnet" ? "Mainnet" : "Testnet"}
              </button>
            ))}
          </div>
        </div>
        {address ? (
          <>
            <div className="center">
              <QrCode value={addressUri(address)} label={`QR code of the address ${address}`} />
            </div>
            <p className="mono break" data-testid="address">{address}</p>
            <CopyButton value={address} label="Copy address" />
          </>
        ) : (
          <p className="hint">This key has no valid Taproot address.</p>
        )}
      </section>

      <section className="card" aria-labelledby="key-heading">
        <h2 id="key-heading">Public key</h2>
        <p className="mono break" data-testid="public-key">{identity.public_key}</p>
        <CopyButton value={identity.public_key} label="Copy public key" />
      </section>

      <section className="card" aria-labelledby="policy-heading">
        <h2 id="policy-heading">Payment policy</h2>
        <p className="hint">Approval, auto-approve amount, daily limit and allowed destinations for agents using this key.</p>
        <button type="button" className="button button-secondary" onClick={onPolicy} data-testid="open-policy">
          Edit policy ›
        </button>
      </section>

      <DestroySection identity={identity} label={label} onDestroyed={onDestroyed} />
    </main>
  );
}

function DestroySection({ identity, label, onDestroyed }: { identity: Identity; label: string; onDestroyed: () => void }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const [step, setStep] = useState<"idle" | "confirm" | "working">("idle");
  const [error, setError] = useState<string | null>(null);
  const destroy = async () => {
    setStep("working");
    setError(null);
    try {
      await guarded(() => api.destroyIdentity(identity.id));
      haptic.success();
      onDestroyed();
    } catch (e) {
      haptic.error();
      setError(failureMessage(e));
      setStep("confirm");
    }
  };
  return (
    <section className="card danger-zone" aria-labelledby="destroy-heading">
      <h2 id="destroy-heading">Destroy this key</h2>
      {step === "idle" ? (
        <>
          <p className="hint">Nothing can sign with it afterwards. Funds sent to its address would be lost.</p>
          <button type="button" className="button button-danger" onClick={() => { haptic.warning(); setStep("confirm"); }}>
            Destroy key…
          </button>
        </>
      ) : (
        <div role="alertdialog" aria-labelledby="confirm-text">
          <p id="confirm-text">
            <strong>Destroy {label} for good?</strong> This cannot be undone: the enclave forgets the key and every future signature is refused.
          </p>
          {error && <ErrorNotice title="Could not destroy the key" message={error} />}
          <div className="button-row">
            <button type="button" className="button button-secondary" onClick={() => setStep("idle")} disabled={step === "working"}>
              Keep it
            </button>
            <button type="button" className="button button-danger" onClick={destroy} disabled={step === "working"}>
              {step === "working" ? "Destroying…" : "Yes, destroy it"}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
