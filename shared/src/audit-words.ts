import { formatSats } from "./amounts.js";
import type { AuditEvent } from "./contract/index.js";

const SOURCES: Record<string, string> = {
  api: "through the API",
  telegram: "in Telegram",
  miniapp: "in the Mini App",
  system: "automatically",
};

/** A short, stable label for a key: the first 4 bytes of its public key, or of its id. */
export function keyLabel(identityId: string | null, publicKeys: ReadonlyMap<string, string> = new Map()): string {
  if (!identityId) return "a key";
  const publicKey = publicKeys.get(identityId);
  const hex = publicKey ? publicKey.slice(2, 10) : identityId.replace(/-/g, "").slice(0, 8);
  return `key ${hex}…`;
}

/**
 * The audit event in words a person understands, e.g. "Signed a digest with key 1a2b3c4d…".
 * `publicKeys` (identity id → public key) lets keys be named as the identities screen names them.
 */
export function describeEvent(event: AuditEvent, publicKeys?: ReadonlyMap<string, string>): string {
  const key = keyLabel(event.identity_id, new Map([...keysFromMetadata(event), ...(publicKeys ?? [])]));
  const meta = event.metadata;
  switch (event.action) {
    case "user.create":
      return "Created your clw.cash account";
    case "session.create":
      return "Signed in";
    case "session.revoke":
      return "Signed out";
    case "identity.create":
      return `Created ${key}`;
    case "identity.sign": {
      const count = typeof meta.count === "number" ? meta.count : 1;
      return count === 1 ? `Signed a digest with ${key}` : `Signed ${count} digests with ${key}`;
    }
    case "identity.sign_failed": {
      const outage = meta.reason === undefined || meta.reason === "enclave_unavailable" || meta.reason === "enclave_error";
      return outage ? `A signature with ${key} failed: the signer was unavailable` : `A signature with ${key} failed (${String(meta.reason)})`;
    }
    case "identity.destroy":
      return `Destroyed ${key}`;
    case "identity.restore":
      return `Restored ${key} from its sealed backup`;
    case "identity.reseal":
      return `Re-sealed ${key} in the current backup format`;
    case "signin.approve":
      return "Approved a sign-in";
    case "signin.deny":
      return "Denied a sign-in";
    case "intent.create":
      if (meta.kind === "psbt" && typeof meta.spend_sats === "number") return `Request to sign a transaction spending ${formatSats(meta.spend_sats)} with ${key}`;
      return typeof meta.amount_sats === "number" ? `Request to pay ${formatSats(meta.amount_sats)} (declared) with ${key}` : `Request to sign with ${key}`;
    case "intent.approve":
      return event.source === "system" ? `Approved a request for ${key} automatically (within policy)` : `Approved a request for ${key}`;
    case "intent.deny":
      return `Denied a request for ${key}`;
    case "intent.expire":
      return `A request for ${key} expired`;
    case "policy.update":
      return `Changed the policy of ${key}`;
    case "action.request":
      return meta.kind === "destroy" ? `Asked to destroy ${key}, waiting for your confirmation` : `Asked to loosen the policy of ${key}, waiting for your confirmation`;
    case "action.confirm":
      return meta.outcome === "failed" ? `Confirmed a change to ${key}, which could no longer be made` : `Confirmed a change to ${key}`;
    case "action.deny":
      return `Cancelled a change to ${key}`;
    default:
      return `Recorded “${event.action}”`;
  }
}

/** Where the event came from, e.g. "in Telegram". */
export function describeSource(source: string): string {
  return SOURCES[source] ?? `from ${source}`;
}

/** Identity id → public key, from the identities list and from creation events (which outlive destruction). */
export function publicKeyIndex(events: readonly AuditEvent[], identities: readonly { id: string; public_key: string }[] = []): Map<string, string> {
  const index = new Map<string, string>();
  for (const event of events) for (const [id, key] of keysFromMetadata(event)) index.set(id, key);
  for (const identity of identities) index.set(identity.id, identity.public_key);
  return index;
}

/** A creation event carries the new key's public key: name it by that too. */
function keysFromMetadata(event: AuditEvent): ReadonlyMap<string, string> {
  const publicKey = event.metadata.public_key;
  return event.identity_id && typeof publicKey === "string" ? new Map([[event.identity_id, publicKey]]) : new Map();
}
