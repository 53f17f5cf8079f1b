/**
 * Sign-flow load benchmark against the real local stack (its own Worker + enclave, rate limits
 * raised so the limiter is not what is measured). In one run, at the same concurrency for the same
 * time: the digest flow (sign-intent + sign), `GET /health`, the no-database ceiling of the same two
 * requests (bench/ceiling: JWT work and the signer hop only), the same with one trivial D1 round
 * trip in each request (the floor any flow with one D1 statement per request pays), and PSBT flows the policy approves
 * on their real outputs (1 key-path input, 2 outputs); then the latency of single 50-input PSBTs.
 * Run through `pnpm bench` (bench/main.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, requireTicket, verifySchnorr, type ClwClient, type Identity } from "@clw/shared";
import { startWranglerDev } from "../stack/components.js";
import { startLocalStack, type LocalStack } from "../stack/local-stack.js";
import { signIn } from "../stack/sign-in.js";
import { findFreePort } from "../stack/processes.js";
import { median, percentile, runPhase, type PhaseResult } from "./load.js";
import type { BenchOptions } from "./options.js";
import { spendFromKey } from "./psbts.js";

const UNLIMITED = "1000000";
const SIGNATURE_RE = /^[0-9a-f]{128}$/;
const VERIFY_EVERY = 25;
/** Transactions spending up to 1,000,000 sats pass without the owner; the policy still reads them. */
const AUTO_APPROVE = { require_approval: true, auto_approve_max_sats: 1_000_000, daily_limit_sats: null, allowed_destinations: null };

interface Figures {
  flows: number;
  flowP50: number;
  flowP99: number;
  errors: number;
  health: number;
  ratio: number;
  ceiling: number;
  /** Flow ÷ ceiling, in the same run. */
  ofCeiling: number;
  /** The ceiling with one trivial D1 round trip per request. */
  d1Floor: number;
  d1FloorP99: number;
  /** Flow ÷ that, in the same run. */
  ofD1Floor: number;
  psbt: number;
  psbtP99: number;
  psbtErrors: number;
  /** PSBT flows ÷ digest flows, in the same run. */
  psbtRatio: number;
  psbt50P50: number;
}

async function prepare(stack: LocalStack, clients: number) {
  const { client, session } = await signIn(stack.apiUrl);
  const identities: Identity[] = [];
  const paying: Identity[] = [];
  for (let i = 0; i < clients; i++) identities.push(await client.createIdentity());
  for (let i = 0; i < clients; i++) {
    const identity = await client.createIdentity();
    await client.setPolicy(identity.id, AUTO_APPROVE);
    paying.push(identity);
  }
  return { client, token: session.token, identities, paying };
}

/** The digest flow against `client`'s API (the real Worker, or the ceiling with the same paths). */
async function digestPhase(client: ClwClient, identities: Identity[], seconds: number): Promise<PhaseResult> {
  const samples: Array<{ key: string; digest: string; signature: string }> = [];
  let flows = 0;
  const result = await runPhase({
    clients: identities.length,
    seconds,
    iteration: async (index) => {
      const identity = identities[index]!;
      const digest = randomBytes(32).toString("hex");
      const intent = requireTicket(await client.signIntent(identity.id, digest));
      const signature = await client.sign(identity.id, digest, intent.ticket);
      if (flows++ % VERIFY_EVERY === 0) samples.push({ key: identity.public_key, digest, signature });
      return SIGNATURE_RE.test(signature);
    },
  });
  const bad = samples.filter((s) => !verifySchnorr(s.key, s.digest, s.signature)).length;
  if (bad > 0) throw new Error(`${bad} of ${samples.length} sampled signatures did not verify`);
  return result;
}

function psbtPhase(client: ClwClient, identities: Identity[], seconds: number, inputs: number, clients = identities.length): Promise<PhaseResult> {
  return runPhase({
    clients,
    seconds,
    iteration: async (index) => {
      const identity = identities[index]!;
      const signed = await client.signPsbt(identity.id, spendFromKey(identity.public_key, inputs));
      return signed.signed_inputs.length === inputs;
    },
  });
}

const healthPhase = (apiUrl: string, clients: number, seconds: number) =>
  runPhase({ clients, seconds, iteration: async () => (await fetch(`${apiUrl}/health`).then((r) => r.arrayBuffer().then(() => r.status))) === 200 });

/** The ceiling Worker on its own port, talking to the stack's signer with the stack's secrets. */
async function startCeiling(stack: LocalStack): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await findFreePort();
  const { INTERNAL_API_KEY, TICKET_SIGNING_SECRET, SESSION_SIGNING_SECRET } = stack.secrets;
  const persistDir = await mkdtemp(path.join(tmpdir(), "clw-bench-ceiling-"));
  const proc = await startWranglerDev({
    port,
    inspectorPort: await findFreePort(),
    config: path.join(import.meta.dirname, "ceiling", "wrangler.toml"),
    persistDir,
    vars: { INTERNAL_API_KEY, TICKET_SIGNING_SECRET, SESSION_SIGNING_SECRET, ENCLAVE_BASE_URL: stack.enclaveUrl },
  }).catch(async (error: unknown) => {
    await rm(persistDir, { recursive: true, force: true });
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, stop: async () => { await proc.stop(); await rm(persistDir, { recursive: true, force: true }); } };
}

const rate = (r: PhaseResult) => r.ok / r.elapsedSeconds;

function format(label: string, f: Figures): string {
  const n = (v: number, d = 1) => v.toFixed(d);
  return (
    `${label}: sign ${n(f.flows)} flows/s, p50 ${n(f.flowP50)} ms, p99 ${n(f.flowP99)} ms, errors ${f.errors} | health ${n(f.health)} req/s | ` +
    `ratio ${n(f.ratio, 4)} | no-database ceiling ${n(f.ceiling)} flows/s, flow = ${n(f.ofCeiling * 100)}% of it | ` +
    `one trivial D1 round trip per request ${n(f.d1Floor)} flows/s, p99 ${n(f.d1FloorP99)} ms, flow = ${n(f.ofD1Floor * 100)}% of it | ` +
    `PSBT (1 in, 2 out, auto-approved on its outputs) ${n(f.psbt)} flows/s, p99 ${n(f.psbtP99)} ms, errors ${f.psbtErrors}, ${n(f.psbtRatio, 3)}× digest | ` +
    `50-input PSBT sign flow p50 ${n(f.psbt50P50)} ms`
  );
}

/** Runs the sign-flow benchmark against its own local stack and prints every run and the medians. */
export async function benchSignFlow(options: BenchOptions): Promise<void> {
  console.log(`sign flow: starting the local stack (${options.clients} clients, ${options.seconds} s per phase, ${options.runs} run(s))`);
  const stack = await startLocalStack({ vars: { RATE_LIMIT_PER_USER: UNLIMITED, RATE_LIMIT_PER_IDENTITY_SIGN: UNLIMITED } });
  let ceiling: { url: string; stop: () => Promise<void> } | undefined;
  try {
    const { client, token, identities, paying } = await prepare(stack, options.clients);
    ceiling = await startCeiling(stack);
    const ceilingClient = createClient({ baseUrl: ceiling.url, token });
    const floorClient = createClient({ baseUrl: `${ceiling.url}/d1`, token });
    const runs: Figures[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const sign = await digestPhase(client, identities, options.seconds);
      const health = await healthPhase(stack.apiUrl, options.clients, options.seconds);
      const noDb = await digestPhase(ceilingClient, identities, options.seconds);
      const d1Floor = await digestPhase(floorClient, identities, options.seconds);
      const psbt = await psbtPhase(client, paying, options.seconds, 1);
      const psbt50 = await psbtPhase(client, paying, Math.min(options.seconds, 5), 50, 1);
      runs.push({
        flows: rate(sign),
        flowP50: percentile(sign.latencies, 50),
        flowP99: percentile(sign.latencies, 99),
        errors: sign.errors,
        health: rate(health),
        ratio: rate(sign) / rate(health),
        ceiling: rate(noDb),
        ofCeiling: rate(sign) / rate(noDb),
        d1Floor: rate(d1Floor),
        d1FloorP99: percentile(d1Floor.latencies, 99),
        ofD1Floor: rate(sign) / rate(d1Floor),
        psbt: rate(psbt),
        psbtP99: percentile(psbt.latencies, 99),
        psbtErrors: psbt.errors,
        psbtRatio: rate(psbt) / rate(sign),
        psbt50P50: percentile(psbt50.latencies, 50),
      });
      console.log(format(`run ${run}`, runs.at(-1)!));
      for (const [name, phase] of Object.entries({ sign, noDb, d1Floor, psbt, psbt50 })) if (phase.firstError) console.log(`  first ${name} error: ${phase.firstError}`);
    }
    if (runs.length > 1) {
      const keys = Object.keys(runs[0]!) as Array<keyof Figures>;
      console.log(format("median", Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as Figures));
    }
  } finally {
    await Promise.all([ceiling?.stop(), stack.stop()]);
  }
}
