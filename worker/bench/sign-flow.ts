/**
 * Sign-flow load benchmark against the real local stack (its own Worker + enclave, rate limits
 * raised so the limiter is not what is measured). Each of N clients owns one identity and loops
 * sign-intent + sign over random digests for a fixed time; then `GET /health` runs at the same
 * concurrency for the same time as a baseline. A third phase runs the same flow as payments that
 * each identity's policy auto-approves (the policy check and the reservation of the amount), to
 * set beside the plain flow. HTTP keep-alive comes from Node's global fetch.
 *
 * Run through `pnpm bench` (bench/main.ts).
 */
import { randomBytes } from "node:crypto";
import { createClient, requireTicket, verifySchnorr, type ClwClient, type Identity, type Payment } from "@clw/shared";
import { startLocalStack, type LocalStack } from "../stack/local-stack.js";
import { median, percentile, runPhase, type PhaseResult } from "./load.js";
import type { BenchOptions } from "./options.js";

const UNLIMITED = "1000000";
const SIGNATURE_RE = /^[0-9a-f]{128}$/;
const VERIFY_EVERY = 25;
/** Payments of 1 sat to a valid address, auto-approved by each identity's policy. */
const PAYMENT: Payment = { amount_sats: 1, destination: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" };
const AUTO_APPROVE = { require_approval: true, auto_approve_max_sats: 1000, daily_limit_sats: null, allowed_destinations: null };

interface RunFigures {
  flowsPerSecond: number;
  flowP50: number;
  flowP99: number;
  errors: number;
  healthPerSecond: number;
  healthP50: number;
  healthP99: number;
  ratio: number;
  autoPerSecond: number;
  autoP99: number;
  autoErrors: number;
  /** Auto-approved payment flows ÷ plain flows, in the same run. */
  autoRatio: number;
}

interface Prepared {
  client: ClwClient;
  identities: Identity[];
  /** Identities whose policy auto-approves small payments. */
  paying: Identity[];
}

async function prepare(stack: LocalStack, clients: number): Promise<Prepared> {
  const client = createClient({ baseUrl: stack.apiUrl });
  const challenge = await client.createChallenge({ telegram_user_id: 4_000_000 + (randomBytes(2).readUInt16BE() % 1000) });
  const verified = await client.verify(challenge.challenge_id);
  if (verified.status !== "approved") throw new Error("test-mode sign-in did not resolve");
  const identities: Identity[] = [];
  const paying: Identity[] = [];
  for (let i = 0; i < clients; i++) identities.push(await client.createIdentity());
  for (let i = 0; i < clients; i++) {
    const identity = await client.createIdentity();
    await client.setPolicy(identity.id, AUTO_APPROVE);
    paying.push(identity);
  }
  return { client, identities, paying };
}

async function signPhase(client: ClwClient, identities: Identity[], seconds: number, payment?: Payment): Promise<PhaseResult> {
  const samples: Array<{ key: string; digest: string; signature: string }> = [];
  let flows = 0;
  const result = await runPhase({
    clients: identities.length,
    seconds,
    iteration: async (index) => {
      const identity = identities[index]!;
      const digest = randomBytes(32).toString("hex");
      const intent = requireTicket(await client.signIntent(identity.id, digest, payment));
      const signature = await client.sign(identity.id, digest, intent.ticket);
      if (flows++ % VERIFY_EVERY === 0) samples.push({ key: identity.public_key, digest, signature });
      return SIGNATURE_RE.test(signature);
    },
  });
  const bad = samples.filter((s) => !verifySchnorr(s.key, s.digest, s.signature)).length;
  if (bad > 0) throw new Error(`${bad} of ${samples.length} sampled signatures did not verify`);
  return result;
}

function healthPhase(apiUrl: string, clients: number, seconds: number): Promise<PhaseResult> {
  return runPhase({
    clients,
    seconds,
    iteration: async () => {
      const res = await fetch(`${apiUrl}/health`);
      await res.arrayBuffer();
      return res.status === 200;
    },
  });
}

function figures(sign: PhaseResult, health: PhaseResult, auto: PhaseResult): RunFigures {
  const flowsPerSecond = sign.ok / sign.elapsedSeconds;
  const healthPerSecond = health.ok / health.elapsedSeconds;
  const autoPerSecond = auto.ok / auto.elapsedSeconds;
  return {
    autoPerSecond,
    autoP99: percentile(auto.latencies, 99),
    autoErrors: auto.errors,
    autoRatio: autoPerSecond / flowsPerSecond,
    flowsPerSecond,
    flowP50: percentile(sign.latencies, 50),
    flowP99: percentile(sign.latencies, 99),
    errors: sign.errors,
    healthPerSecond,
    healthP50: percentile(health.latencies, 50),
    healthP99: percentile(health.latencies, 99),
    ratio: flowsPerSecond / healthPerSecond,
  };
}

function format(label: string, f: RunFigures): string {
  const n = (v: number, d = 1) => v.toFixed(d);
  return (
    `${label}: sign ${n(f.flowsPerSecond)} flows/s, p50 ${n(f.flowP50)} ms, p99 ${n(f.flowP99)} ms, errors ${f.errors} | ` +
    `health ${n(f.healthPerSecond)} req/s, p50 ${n(f.healthP50, 2)} ms, p99 ${n(f.healthP99, 2)} ms | ratio ${n(f.ratio, 4)} | ` +
    `auto-approved payments ${n(f.autoPerSecond)} flows/s, p99 ${n(f.autoP99)} ms, errors ${f.autoErrors}, ${n(f.autoRatio, 3)}× plain`
  );
}

function medians(runs: RunFigures[]): RunFigures {
  const keys = Object.keys(runs[0]!) as Array<keyof RunFigures>;
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as RunFigures;
}

/** Runs the sign-flow benchmark against its own local stack and prints every run and the medians. */
export async function benchSignFlow(options: BenchOptions): Promise<void> {
  console.log(`sign flow: starting the local stack (${options.clients} clients, ${options.seconds} s per phase, ${options.runs} run(s))`);
  const stack = await startLocalStack({ vars: { RATE_LIMIT_PER_USER: UNLIMITED, RATE_LIMIT_PER_IDENTITY_SIGN: UNLIMITED } });
  try {
    const { client, identities, paying } = await prepare(stack, options.clients);
    const runs: RunFigures[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const sign = await signPhase(client, identities, options.seconds);
      const health = await healthPhase(stack.apiUrl, options.clients, options.seconds);
      const auto = await signPhase(client, paying, options.seconds, PAYMENT);
      runs.push(figures(sign, health, auto));
      console.log(format(`run ${run}`, runs.at(-1)!));
      if (sign.firstError) console.log(`  first sign error: ${sign.firstError}`);
    }
    if (runs.length > 1) console.log(format("median", medians(runs)));
  } finally {
    await stack.stop();
  }
}
