/**
 * sign-batch throughput: N clients each sign batches of 100 random digests through the Worker
 * (one ticket per batch, one D1 batch, one signer call), sampled signatures verified; then, in the
 * same run, the signer's own HTTP figure (`POST /v1/keys/sign-batch` straight to the signer with
 * batch tickets minted here). Run through `pnpm bench` (bench/main.ts).
 */
import { randomBytes } from "node:crypto";
import { batchHash, createClient, verifySchnorr, type Identity } from "@clw/shared";
import { startLocalStack, type LocalStack } from "../stack/local-stack.js";
import { signIn } from "../stack/sign-in.js";
import { mintStackTicket } from "../stack/tickets.js";
import { median, runPhase, type PhaseResult } from "./load.js";
import type { BenchOptions } from "./options.js";

const BATCH = 100;
const digests = () => Array.from({ length: BATCH }, () => randomBytes(32).toString("hex"));

async function throughWorker(stack: LocalStack, token: string, identities: Identity[], seconds: number): Promise<PhaseResult> {
  const client = createClient({ baseUrl: stack.apiUrl, token });
  let checked = false;
  return runPhase({
    clients: identities.length,
    seconds,
    iteration: async (index) => {
      const identity = identities[index]!;
      const batch = digests();
      const signatures = await client.signBatch(identity.id, batch);
      if (!checked) {
        checked = true;
        if (!signatures.every((s, i) => verifySchnorr(identity.public_key, batch[i]!, s))) throw new Error("a batch signature did not verify");
      }
      return signatures.length === BATCH;
    },
  });
}

/** Straight to the signer, as the Worker calls it, with tickets minted here. */
async function signerAlone(stack: LocalStack, userId: string, identities: Identity[], seconds: number): Promise<PhaseResult> {
  return runPhase({
    clients: identities.length,
    seconds,
    iteration: async (index) => {
      const identity = identities[index]!;
      const batch = digests();
      const ticket = await mintStackTicket(stack, { userId, identityId: identity.id, dgh: batchHash(batch), kind: "batch" });
      const res = await fetch(`${stack.enclaveUrl}/v1/keys/sign-batch`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-internal-api-key": stack.secrets.INTERNAL_API_KEY },
        body: JSON.stringify({ identity_id: identity.id, digests: batch, ticket }),
      });
      const body = (await res.json()) as { signatures?: string[] };
      return res.status === 200 && body.signatures?.length === BATCH;
    },
  });
}

const perSecond = (r: PhaseResult) => (r.ok * BATCH) / r.elapsedSeconds;

/** Runs the sign-batch benchmark against its own local stack and prints every run and the medians. */
export async function benchBatch(options: BenchOptions): Promise<void> {
  console.log(`sign-batch: starting the local stack (${options.clients} clients, ${BATCH} digests a call, ${options.seconds} s per phase, ${options.runs} run(s))`);
  const stack = await startLocalStack({ vars: { RATE_LIMIT_PER_USER: "1000000", RATE_LIMIT_PER_IDENTITY_SIGN: "100000000" } });
  try {
    const { client, session } = await signIn(stack.apiUrl);
    const identities: Identity[] = [];
    for (let i = 0; i < options.clients; i++) identities.push(await client.createIdentity());
    const runs: Array<{ worker: number; signer: number; errors: number }> = [];
    for (let run = 1; run <= options.runs; run++) {
      const worker = await throughWorker(stack, session.token, identities, options.seconds);
      const alone = await signerAlone(stack, session.user.id, identities, options.seconds);
      runs.push({ worker: perSecond(worker), signer: perSecond(alone), errors: worker.errors + alone.errors });
      const r = runs.at(-1)!;
      console.log(`run ${run}: through the Worker ${r.worker.toFixed(0)} signatures/s | the signer alone ${r.signer.toFixed(0)} signatures/s | Worker/signer ${(r.worker / r.signer).toFixed(2)} | errors ${r.errors}`);
      if (worker.firstError) console.log(`  first error: ${worker.firstError}`);
    }
    if (runs.length > 1) {
      const w = median(runs.map((r) => r.worker));
      const s = median(runs.map((r) => r.signer));
      console.log(`median: through the Worker ${w.toFixed(0)} signatures/s | the signer alone ${s.toFixed(0)} signatures/s | Worker/signer ${median(runs.map((r) => r.worker / r.signer)).toFixed(2)}`);
    }
  } finally {
    await stack.stop();
  }
}
