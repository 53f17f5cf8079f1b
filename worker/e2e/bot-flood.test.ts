/**
 * A flood of /new from one Telegram account, through the webhook of `wrangler dev` with the
 * real signer: the per-user rate limit and the cap on keys hold, and every update is still
 * answered 200 (Telegram would otherwise deliver it again).
 */
import { randomInt } from "node:crypto";
import { expect, it } from "vitest";
import { textUpdate } from "../stack/telegram-updates.js";
import { postUpdate, saidTo, signerHealth, useBotStack } from "./support.js";

const CAP = 3;
const RATE = 10;
// Rate-limit windows are fixed and aligned to the epoch: a long one, so the flood lands in one.
const WINDOW_MS = 86_400_000;
const bot = useBotStack({ vars: { MAX_IDENTITIES_PER_USER: String(CAP), RATE_LIMIT_PER_USER: String(RATE), RATE_LIMIT_WINDOW_MS: String(WINDOW_MS) } });

it("120 × /new within seconds creates no more keys than the cap, and is answered no more often than the rate limit allows", async () => {
  const user = randomInt(1e6, 1e9);
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < 120_000) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
  const started = Date.now();
  const statuses: number[] = [];
  // Twelve waves of ten at once, as fast as they go.
  for (let wave = 0; wave < 12; wave++) {
    const answers = await Promise.all(Array.from({ length: 10 }, () => postUpdate(bot().stack.apiUrl, textUpdate(user, "/new"))));
    statuses.push(...answers.map((a) => a.status));
  }
  const elapsed = Date.now() - started;
  expect(elapsed, "the flood takes seconds").toBeLessThan(60_000);
  expect(Math.floor(Date.now() / WINDOW_MS), "the flood landed in one rate-limit window").toBe(Math.floor(started / WINDOW_MS));
  expect(statuses).toEqual(Array(120).fill(200));
  await new Promise((resolve) => setTimeout(resolve, 500));

  const [row] = await bot().stack.sql(`SELECT count(*) AS keys FROM identities i JOIN users u ON u.id = i.user_id WHERE u.telegram_user_id = ${user} AND i.status = 'active'`);
  expect(row).toEqual({ keys: CAP });
  // The signer holds exactly those: a key made past the cap in a race was wiped again.
  const health = await signerHealth(bot().stack);
  expect(health.keys).toBe(CAP);
  expect(health.keys + health.destroyed).toBeLessThanOrEqual(RATE);

  // Only the admitted updates were answered: flooding gets no message back.
  const said = saidTo(bot().telegram, user);
  expect(said.length).toBeGreaterThan(CAP);
  expect(said.length).toBeLessThanOrEqual(RATE);
  expect(said.filter((text) => text.includes("New key"))).toHaveLength(CAP);
  expect(said.filter((text) => !text.includes("New key")).every((text) => text.includes("the most keys allowed"))).toBe(true);
}, 240_000);
