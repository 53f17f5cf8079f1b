/**
 * How fast an approval reaches the agent waiting for it: N agents each ask to sign (202), wait on
 * `GET /v1/sign-intents/:id?wait=25`, and the owner presses Approve (a real callback update through
 * the webhook); the figure is from the press to the waiting agent's answer with its ticket, over
 * `APPROVALS` approvals. Run through `pnpm bench` (bench/main.ts).
 */
import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createClient, isPendingIntent } from "@clw/shared";
import { startBotStack } from "../stack/bot-stack.js";
import type { LocalStack } from "../stack/local-stack.js";
import { callbackUpdate, textUpdate, type Update } from "../stack/telegram-updates.js";
import { median, percentile } from "./load.js";
import type { BenchOptions } from "./options.js";

const TOKEN = "222222222:bench-token-for-the-local-bot-api";
const SECRET = "bench-webhook-secret-0123456789";
const APPROVALS = 50;

async function deliver(stack: LocalStack, update: Update): Promise<void> {
  const res = await fetch(`${stack.apiUrl}/telegram-webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(update),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`the webhook answered ${res.status}`);
}

/** An owner with `count` keys that each need approval, and an agent key for all of them. */
async function prepare(stack: LocalStack, count: number) {
  const owner = randomInt(7_000_000, 7_900_000);
  const post = async (path: string, body: unknown) => (await fetch(`${stack.apiUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<Record<string, string>>;
  const agentRequest = await post("/v1/auth/agent", { name: "bench agent" });
  await deliver(stack, textUpdate(owner, `/start ${new URL(agentRequest.deep_link!).searchParams.get("start")}`));
  await deliver(stack, callbackUpdate(owner, `agent:approve:${agentRequest.request_id}`));
  const issued = await post("/v1/auth/agent/token", { request_id: agentRequest.request_id });
  if (!issued.agent_key) throw new Error("the agent key was not issued");
  const agent = createClient({ baseUrl: stack.apiUrl, token: issued.agent_key });
  for (let i = 0; i < count; i++) await deliver(stack, textUpdate(owner, "/new"));
  const identities = await agent.listIdentities();
  for (const identity of identities) await deliver(stack, callbackUpdate(owner, `policy:approval:on:${identity.id}`));
  return { owner, agent, identities };
}

/** One approval: ask, wait, press Approve after the waiter is parked, time press → ticket. */
async function approveOnce(stack: LocalStack, p: Awaited<ReturnType<typeof prepare>>, index: number): Promise<number> {
  const identity = p.identities[index]!;
  const intent = await p.agent.signIntent(identity.id, randomInt(2 ** 47).toString(16).padStart(64, "0"));
  if (!isPendingIntent(intent)) throw new Error("the request did not wait for the owner");
  let answeredAt = 0;
  const waiting = p.agent.getSignIntent(intent.id, 25).then((state) => {
    answeredAt = performance.now();
    return state;
  });
  await new Promise((resolve) => setTimeout(resolve, 150 + randomInt(150)));
  const pressedAt = performance.now();
  await deliver(stack, callbackUpdate(p.owner, `intent:approve:${intent.id}`));
  const state = await waiting;
  if (state.status !== "approved" || !state.ticket) throw new Error(`the waiter saw ${state.status}`);
  return answeredAt - pressedAt;
}

/** Runs the approval wake-up benchmark and prints every run and the medians. */
export async function benchApprovals(options: BenchOptions): Promise<void> {
  console.log(`approvals: ${APPROVALS} approvals, ${options.clients} agents waiting at once, ${options.runs} run(s)`);
  const bot = await startBotStack({ token: TOKEN, username: "clw_bench_bot", secret: SECRET }, { vars: { RATE_LIMIT_PER_USER: "1000000", MAX_PENDING_REQUESTS_PER_USER: "1000" } });
  const { stack, telegram } = bot;
  try {
    const prepared = await prepare(stack, options.clients);
    const runs: Array<{ p50: number; p95: number; max: number }> = [];
    for (let run = 1; run <= options.runs; run++) {
      const latencies: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: options.clients }, async (_, index) => {
          while (next < APPROVALS) {
            next++;
            latencies.push(await approveOnce(stack, prepared, index));
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      runs.push({ p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1)! });
      const r = runs.at(-1)!;
      console.log(`run ${run}: approval → waiting agent p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms, max ${r.max.toFixed(0)} ms (${latencies.length} approvals)`);
    }
    if (runs.length > 1) {
      console.log(`median: p50 ${median(runs.map((r) => r.p50)).toFixed(0)} ms, p95 ${median(runs.map((r) => r.p95)).toFixed(0)} ms, max ${median(runs.map((r) => r.max)).toFixed(0)} ms`);
    }
  } finally {
    await bot.stop();
  }
}
