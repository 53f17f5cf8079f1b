import { batchHash, digestHash, type SignedPsbt } from "@clw/shared";
import { finalizePsbt } from "@clw/shared/psbt";
import { runBatch } from "../db/client.js";
import { findIdentity } from "../db/identities.js";
import { markIntentUsedQuery } from "../db/sign-intents.js";
import { consumeTicketsQuery, isTicketUsed, releaseTickets } from "../db/ticket-uses.js";
import { AppError } from "../errors.js";
import { SignerError } from "../signer-client.js";
import { auditIfChangedQuery, logAudit, recordAudit, type AuditInput } from "./audit.js";
import type { Deps, Source } from "./deps.js";
import { getOwnedIdentity, restoreIdentity } from "./identities.js";
import { admit } from "./rate-limit.js";
import { requirePermission } from "./agents.js";
import { analyzeForPolicy } from "./psbt.js";
import { assertLiveSession, type AuthContext } from "./sessions.js";
import { verifyTicket } from "./tokens.js";

/**
 * Counts `signatures` against the identity's signing limit when they are admitted, before any
 * work, so concurrent requests cannot sign past it; the count is refunded if no signature is made.
 * @throws AppError 429 `rate_limited` when the window is full.
 */
async function withSignLimit<T>(deps: Deps, identityId: string, signatures: number, sign: () => Promise<T>): Promise<T> {
  const refund = await admit(deps, [{ key: `sign:${identityId}`, limit: deps.config.rateLimit.perIdentitySign, cost: signatures }]);
  try {
    return await sign();
  } catch (error) {
    refund();
    throw error;
  }
}

/** Tickets about to be spent on one signer call, and the `identity.sign` event that records it. */
interface Spend {
  auth: AuthContext;
  identityId: string;
  nonces: { nonce: string; expiresMs: number }[];
  /** The approved request the ticket came from, marked used in the same round trip. */
  intentId?: string;
  metadata: Record<string, unknown>;
  source: Source;
}

/**
 * Consumes the tickets and records `identity.sign` in ONE D1 round trip: the consumption (only
 * while the session is live and the identity active and owned), the audit event (only if the
 * consumption happened) and the approved request's `used` mark commit together. So an
 * `identity.sign` event promises that these tickets were spent on a signature; if the signer then
 * fails, an `identity.sign_failed` event for the same nonces follows.
 * @throws AppError 401 ended session, 403/404/409 for the identity, 409 `ticket_replayed`.
 */
async function spendTickets(deps: Deps, spend: Spend): Promise<void> {
  const now = deps.now();
  const usedAt = new Date(now).toISOString();
  const uses = spend.nonces.map(({ nonce, expiresMs }) => ({ ...spend.auth, nonce, identityId: spend.identityId, usedAt, nowMs: now, expiresMs }));
  const { agent } = spend.auth;
  const metadata = agent ? { ...spend.metadata, agent: agent.name, agent_id: agent.id } : spend.metadata;
  const event: AuditInput = { action: "identity.sign", userId: spend.auth.userId, identityId: spend.identityId, source: spend.source, metadata };
  const statements = [consumeTicketsQuery(uses), auditIfChangedQuery(event, now)];
  if (spend.intentId) statements.push(markIntentUsedQuery(spend.intentId, spend.nonces[0]!.nonce));
  const [consumed] = await runBatch(deps.dbh, statements);
  if (consumed?.length === uses.length) return logAudit(event, now);
  if (consumed?.length) await releaseTickets(deps.dbh.db, (consumed as { nonce: string }[]).map((row) => row.nonce));
  await explainRefusal(deps, spend.auth, spend.identityId, spend.nonces[0]!.nonce);
}

/** Why a ticket could not be consumed: ended session, identity, or replay. Always throws. */
async function explainRefusal(deps: Deps, auth: AuthContext, identityId: string, nonce: string): Promise<never> {
  await assertLiveSession(deps, auth);
  await getOwnedIdentity(deps, auth.userId, identityId);
  if (await isTicketUsed(deps.dbh.db, nonce)) throw new AppError(409, "ticket_replayed", "this ticket has already been used");
  throw new AppError(409, "identity_not_active", "this identity cannot sign");
}

/**
 * Signs one digest with a ticket: checks the ticket, spends it (one D1 round trip), then asks the
 * enclave, which checks the ticket again. A ticket signs once.
 * @throws AppError 401/403/409/410 for ticket problems, 404/409 for the identity, 502/503 for the enclave.
 */
export async function signWithTicket(deps: Deps, auth: AuthContext, identityId: string, digest: string, ticket: string, source: Source): Promise<string> {
  requirePermission(deps, auth, "sign", identityId);
  const claims = await verifyTicket(ticket, deps.config.ticketSecret, deps.config.previousTicketSecret);
  const hash = digestHash(digest);
  if (claims.iid !== identityId || claims.dgh !== hash || claims.sub !== auth.userId || claims.knd === "psbt") {
    throw new AppError(403, "ticket_mismatch", "this ticket was issued for another identity, owner or digest");
  }
  const nonces = [{ nonce: claims.jti, expiresMs: claims.exp * 1000 }];
  return withSignLimit(deps, identityId, 1, async () => {
    await spendTickets(deps, { auth, identityId, nonces, intentId: claims.int, metadata: { digest_hash: hash, nonce: claims.jti }, source });
    return callSigner(deps, { userId: auth.userId, identityId, nonces: [claims.jti] }, () => deps.signer.sign(identityId, digest, ticket));
  });
}

/**
 * Signs this key's inputs of a PSBT with a ticket bound to exactly that transaction: the API
 * decodes it again and refuses (without spending the ticket) a PSBT that is not the one the
 * ticket names; the enclave decodes it once more, computes every sighash itself and signs only
 * what the ticket is bound to. With `finalize`, also returns the raw transaction once every
 * input is complete.
 * @throws AppError 400 `invalid_psbt`, 401/403/409/410 for ticket problems, 404/409 for the
 *   identity, 502/503 for the enclave.
 */
export async function signPsbtWithTicket(deps: Deps, auth: AuthContext, identityId: string, psbt: string, ticket: string, finalize: boolean, source: Source): Promise<SignedPsbt> {
  requirePermission(deps, auth, "sign", identityId);
  const claims = await verifyTicket(ticket, deps.config.ticketSecret, deps.config.previousTicketSecret);
  if (claims.iid !== identityId || claims.sub !== auth.userId || claims.knd !== "psbt") {
    throw new AppError(403, "ticket_mismatch", "this ticket was issued for another identity, owner or for a digest");
  }
  // A ticket minted at sign-intent carries the key; one handed over after approval costs a read.
  const publicKey = claims.pk ?? (await getOwnedIdentity(deps, auth.userId, identityId)).public_key;
  const network = deps.config.bitcoinNetwork;
  const analysis = analyzeForPolicy(psbt, publicKey, network, claims.uns === true);
  if (digestHash(analysis.binding) !== claims.dgh) throw new AppError(403, "ticket_mismatch", "this ticket was issued for another transaction");
  const nonces = [{ nonce: claims.jti, expiresMs: claims.exp * 1000 }];
  const metadata = { kind: "psbt", txid: analysis.summary.txid, digest_hash: claims.dgh, nonce: claims.jti, inputs: analysis.jobs.length };
  // One transaction counts once against the signing limit, whatever its number of inputs.
  const signed = await withSignLimit(deps, identityId, 1, async () => {
    await spendTickets(deps, { auth, identityId, nonces, intentId: claims.int, metadata, source });
    return callSigner(deps, { userId: auth.userId, identityId, nonces: [claims.jti] }, () => deps.signer.signPsbt(identityId, psbt, ticket, network));
  });
  if (!finalize) return { psbt: signed.psbt, signed_inputs: signed.signed_inputs };
  const finished = finalizePsbt(signed.psbt);
  return { psbt: finished.psbt, signed_inputs: signed.signed_inputs, tx_hex: finished.tx_hex };
}

/** A batch to sign: the digests in order, and the one ticket bound to them. */
export interface Batch {
  digests: string[];
  ticket: string;
  nonce: string;
  expiresMs: number;
}

/**
 * Spends a batch's ticket (one D1 round trip, with its `identity.sign` event) and signs every
 * digest in one signer call that succeeds or fails as a whole. Each digest counts against the
 * identity's signing limit.
 */
export async function signBatchWithTicket(deps: Deps, auth: AuthContext, identityId: string, batch: Batch, source: Source): Promise<string[]> {
  return withSignLimit(deps, identityId, batch.digests.length, async () => {
    const metadata = { count: batch.digests.length, batch_hash: batchHash(batch.digests), nonce: batch.nonce };
    await spendTickets(deps, { auth, identityId, nonces: [{ nonce: batch.nonce, expiresMs: batch.expiresMs }], metadata, source });
    return callSigner(deps, { userId: auth.userId, identityId, nonces: [batch.nonce] }, () => deps.signer.signBatch(identityId, batch.digests, batch.ticket));
  });
}

interface SignerCall {
  userId: string;
  identityId: string;
  nonces: string[];
}

/**
 * Runs a signer call after its tickets were spent. If the enclave no longer holds the key (e.g.
 * after a restart) restores it from the sealed backup and retries once. Any failure is audited
 * as `identity.sign_failed`; when the signer could not be reached, the tickets are released so
 * the caller can try again.
 */
async function callSigner<T>(deps: Deps, spent: SignerCall, call: () => Promise<T>): Promise<T> {
  try {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof SignerError && error.code === "key_not_found")) throw error;
      const identity = await findIdentity(deps.dbh.db, spent.identityId);
      if (!identity || identity.status !== "active") throw error;
      await restoreIdentity(deps, identity, "system", "key_not_found");
      return await call();
    }
  } catch (error) {
    const outage = error instanceof SignerError && (error.code === "enclave_unavailable" || error.code === "enclave_error");
    if (outage) await releaseTickets(deps.dbh.db, spent.nonces).catch(() => undefined);
    const reason = error instanceof AppError ? error.code : "internal_error";
    const event: AuditInput = { action: "identity.sign_failed", userId: spent.userId, identityId: spent.identityId, source: "system", metadata: { reason, nonces: spent.nonces, released: outage } };
    deps.defer(recordAudit(deps, event));
    throw error;
  }
}
