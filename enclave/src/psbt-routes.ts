import { bitcoinNetworkSchema, digestHash } from "@clw/shared";
import { addTaprootSignatures, analyzePsbt, PsbtError, type PsbtAnalysis } from "@clw/shared/psbt";
import { z } from "zod";
import { EnclaveError, KeyNotFoundError, TicketMismatchError } from "./errors.js";
import { MAX_BODY_BYTES, parseBody } from "./http.js";
import { idSchema, type Handler } from "./key-routes.js";
import type { KeyStore } from "./keys.js";
import { signJobs } from "./psbt-signing.js";
import { ticketSchema } from "./sign-routes.js";
import { checkTicketKind, checkTicketOwner, checkTicketTarget, type ReplayCache, type TicketVerifier } from "./tickets.js";

const signPsbtSchema = z.object({
  identity_id: idSchema,
  psbt: z.string().min(1).max(MAX_BODY_BYTES),
  ticket: ticketSchema,
  network: bitcoinNetworkSchema,
});

interface PsbtDeps {
  keyStore: KeyStore;
  verifier: TicketVerifier;
  replayCache: ReplayCache;
  /** Tests only: auxiliary randomness for deterministic signatures. Unset in production. */
  auxRand?: () => Uint8Array;
}

/** Runs a PSBT function, answering a refused PSBT as 400 `invalid_psbt` with its message. */
function asRequestError<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof PsbtError) throw new EnclaveError(400, "invalid_psbt", err.message);
    throw err;
  }
}

function signPsbt(deps: PsbtDeps): Handler {
  return async (raw) => {
    const { identity_id, psbt, ticket, network } = parseBody(signPsbtSchema, raw);
    const claims = await deps.verifier.verify(ticket);
    // From here on nothing awaits: the checks, the nonce and the signatures cannot interleave
    // with another request, and the key cannot be destroyed half-way.
    if (claims.iid !== identity_id) throw new TicketMismatchError("identity");
    checkTicketKind(claims, "psbt");
    const key = deps.keyStore.get(identity_id);
    if (!key) throw new KeyNotFoundError();
    checkTicketOwner(claims, key.userId);
    // The signer decodes the PSBT and computes every sighash itself; the ticket must be bound to
    // exactly this analysis, so a ticket approved for one transaction signs no other.
    const analysis: PsbtAnalysis = asRequestError(() => analyzePsbt(psbt, key.publicKey, network, { allowUnsafeSighash: claims.uns === true }));
    checkTicketTarget(claims, identity_id, digestHash(analysis.binding), "psbt");
    deps.replayCache.consume([{ jti: claims.jti, exp: claims.exp }]);
    const signatures = signJobs(key.privateKey, analysis.jobs, deps.auxRand);
    const signed = asRequestError(() => addTaprootSignatures(psbt, signatures));
    const signedInputs = [...new Set(analysis.jobs.map((job) => job.index))];
    return { status: 200, body: { psbt: signed, signed_inputs: signedInputs } };
  };
}

/**
 * `POST /v1/keys/sign-psbt` `{identity_id, psbt, ticket, network}` → 200 `{psbt, signed_inputs}`:
 * signs every Taproot input of the PSBT that the identity's key can spend (key path with the
 * BIP-341 tweaked key, script path with the key itself) and returns the PSBT with the signatures
 * added. Needs a `psbt` ticket bound to `digestHash(binding)` of the enclave's own analysis.
 * Errors: 400 `bad_request` / `invalid_psbt`, 401 `invalid_ticket`, 403 `ticket_mismatch`,
 * 404 `key_not_found`, 409 `ticket_replayed`, 410 `ticket_expired`.
 */
export function createPsbtRoutes(deps: PsbtDeps): Record<string, Handler> {
  return { "/v1/keys/sign-psbt": signPsbt(deps) };
}
