/**
 * Webhook benchmark: `/identities` updates per second through `POST /telegram-webhook` against
 * the real local stack (its own Worker + enclave) with a local fake Bot API receiving the replies.
 * Each client is its own Telegram user with two keys. The reply comes back as the webhook's own
 * answer (a Bot API call in the response body, which Telegram carries out) or through the Bot API;
 * each update must have produced one. Run through `pnpm bench` (bench/main.ts).
 */
import { startBotStack } from "../stack/bot-stack.js";
import { textUpdate } from "../stack/telegram-updates.js";
import { median, percentile, runPhase } from "./load.js";
import type { BenchOptions } from "./options.js";

const TOKEN = "111111111:bench-token-for-the-local-bot-api";
const SECRET = "bench-webhook-secret-0123456789";
const FIRST_USER = 5_000_000;

const command = (userId: number, text: string) => JSON.stringify(textUpdate(userId, text));

/** Replies that came back as the webhook's answer. */
let answeredInWebhook = 0;

async function deliver(apiUrl: string, body: string): Promise<boolean> {
  const res = await fetch(`${apiUrl}/telegram-webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body,
  });
  const answer = await res.text();
  if (answer && (JSON.parse(answer) as { method?: string }).method === "sendMessage") answeredInWebhook++;
  return res.status === 200;
}

interface RunFigures {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** `GET /health` at the same concurrency in the same run: the floor of any request. */
  healthP99: number;
}

const format = (label: string, f: RunFigures) =>
  `${label}: /identities ${f.perSecond.toFixed(1)} updates/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, errors ${f.errors} | /health p99 ${f.healthP99.toFixed(1)} ms`;

/** Runs the webhook benchmark and prints every run and the medians. */
export async function benchTelegramUpdates(options: BenchOptions): Promise<void> {
  console.log(`telegram: starting the local stack and a local Bot API (${options.clients} clients, ${options.seconds} s, ${options.runs} run(s))`);
  const bot = await startBotStack({ token: TOKEN, username: "clw_bench_bot", secret: SECRET }, { vars: { RATE_LIMIT_PER_USER: "1000000" } });
  const { stack, telegram } = bot;
  try {
    for (let i = 0; i < options.clients; i++) {
      for (const text of ["/new", "/new"]) if (!(await deliver(stack.apiUrl, command(FIRST_USER + i, text)))) throw new Error("could not create the keys");
    }
    const runs: RunFigures[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const replies = () => telegram.calls().length + answeredInWebhook;
      const before = replies();
      const result = await runPhase({ clients: options.clients, seconds: options.seconds, iteration: (i) => deliver(stack.apiUrl, command(FIRST_USER + i, "/identities")) });
      const errors = result.errors + Math.max(0, result.ok - (replies() - before));
      const health = await runPhase({ clients: options.clients, seconds: options.seconds, iteration: async () => {
        const res = await fetch(`${stack.apiUrl}/health`);
        await res.arrayBuffer();
        return res.ok;
      } });
      runs.push({ perSecond: result.ok / result.elapsedSeconds, p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99), errors, healthP99: percentile(health.latencies, 99) });
      console.log(format(`run ${run}`, runs.at(-1)!));
    }
    if (runs.length > 1) {
      const pick = (k: keyof RunFigures) => median(runs.map((r) => r[k]));
      console.log(format("median", { perSecond: pick("perSecond"), p50: pick("p50"), p99: pick("p99"), errors: pick("errors"), healthP99: pick("healthP99") }));
    }
  } finally {
    await bot.stop();
  }
}
