import { type Identity, keyLabel } from "@clw/shared";
import { addressUri, identityAddress } from "../address.js";
import { ApprovalOffer } from "../components/approval-offer.js";
import { CopyButton } from "../components/copy-button.js";
import { DestroyKey } from "../components/destroy-key.js";
import { QrCode } from "../components/qr-code.js";
import { BITCOIN_NETWORK } from "../config.js";
import { networkName } from "../settings.js";

/**
 * One key: its public key, its Taproot address with a QR code, its policy, and destruction.
 * `fresh` (just created here) offers to turn approval on.
 */
export function IdentityPage({ identity, fresh = false, onPolicy, onDestroyed }: { identity: Identity; fresh?: boolean; onPolicy: () => void; onDestroyed: () => void }) {
  const address = identityAddress(identity.public_key, BITCOIN_NETWORK);
  const label = keyLabel(identity.id, new Map([[identity.id, identity.public_key]]));
  return (
    <main className="page">
      <h1 className="title">{label.charAt(0).toUpperCase() + label.slice(1)}</h1>
      <p className="hint">Created {new Date(identity.created_at).toLocaleString("en")}</p>
      {fresh && <ApprovalOffer identityId={identity.id} />}

      <section className="card" aria-labelledby="address-heading">
        <div className="card-head">
          <h2 id="address-heading">Taproot address</h2>
          <span className="hint" data-testid="network">{networkName(BITCOIN_NETWORK)}</span>
        </div>
        {address ? (
          <>
            <div className="center">
              <QrCode value={addressUri(address)} label={`QR code of the address ${address}`} />
            </div>
            <p className="mono break" data-testid="address">{address}</p>
            <CopyButton value={address} label="Copy address" />
            <p className="hint" data-testid="spendable">
              Bitcoin sent here can be spent: the signer signs this address's key-path spends (BIP-86, with the tweaked key) when an agent sends a transaction (PSBT),
              within this key's policy.
            </p>
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
        <p className="hint">Approval, auto-approve amount, daily limit, fee cap, allowed destinations and raw digests for agents using this key.</p>
        <button type="button" className="button button-secondary" onClick={onPolicy} data-testid="open-policy">
          Edit policy ›
        </button>
      </section>

      <DestroyKey identity={identity} label={label} onDestroyed={onDestroyed} />
    </main>
  );
}
