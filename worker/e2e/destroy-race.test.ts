/**
 * A destroyed key stays destroyed, through the real stack: DELETE races restores and signatures,
 * round after round, with the key held by the signer or (after a signer restart) only in its
 * sealed backup. Afterwards the signer itself is asked, with a valid ticket, and D1 is read.
 */
import { randomInt } from "node:crypto";
import { ClwApiError, digestHash, requireTicket, verifySchnorr, type ClwClient, type Identity } from "@clw/shared";
import { expect, it } from "vitest";
import { mintStackTicket } from "../stack/tickets.js";
import { callSigner, randomDigest, signerHealth, signIn, useLocalStack } from "./support.js";

// Limits raised so that only the destroy can refuse a call here.
const stack = useLocalStack({ vars: { RATE_LIMIT_PER_USER: "100000", RATE_LIMIT_PER_IDENTITY_SIGN: "100000" } });

const ROUNDS = 20;
const RACERS = 4;

type Outcome = { ok: true; value: unknown } | { ok: false; status: number; code: string };

/** Runs a call to its end, as an outcome; an answer that is not a clean refusal (a 5xx, say) fails. */
async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    if (!(error instanceof ClwApiError)) throw error;
    return { ok: false, status: error.status, code: String(error.code) };
  }
}

/** Tickets for `count` fresh digests, asked for before the race. */
async function tickets(client: ClwClient, identityId: string, count: number) {
  return Promise.all(Array.from({ length: count }, async () => {
    const digest = randomDigest();
    return { digest, ticket: requireTicket(await client.signIntent(identityId, digest)).ticket };
  }));
}

/**
 * One round: signatures, and restores one after another until the destroy has answered, all
 * racing DELETE; then more of both once DELETE has answered.
 */
async function race(client: ClwClient, identity: Identity) {
  const [early, late] = [await tickets(client, identity.id, RACERS), await tickets(client, identity.id, 2)];
  let answered = false;
  const restorer = async () => {
    const seen: Outcome[] = [];
    while (!answered) seen.push(await outcome(client.restoreIdentity(identity.id)));
    return seen;
  };
  const signs = early.map((t) => outcome(client.sign(identity.id, t.digest, t.ticket)));
  const restores = Array.from({ length: RACERS }, restorer);
  await new Promise((resolve) => setTimeout(resolve, randomInt(0, 40)));
  const destroyed = await outcome(client.destroyIdentity(identity.id));
  answered = true;
  // Whatever started after the destroy answered.
  const after = await Promise.all([...late.map((t) => outcome(client.sign(identity.id, t.digest, t.ticket))), outcome(client.restoreIdentity(identity.id))]);
  return { destroyed, signs: await Promise.all(signs), restores: (await Promise.all(restores)).flat(), after, early };
}

it(`destroy against concurrent restores and signatures, ${ROUNDS} rounds: the key is gone from the signer and D1 after each, and nothing signs once the destroy answered`, async () => {
  const { client, session } = await signIn(stack().apiUrl);
  const userId = session.user.id;
  // Half the keys exist only as their sealed backups when their round starts (the signer restarted).
  const lost = await Promise.all(Array.from({ length: ROUNDS / 2 }, () => client.createIdentity()));
  await stack().restartEnclave();
  const held = await Promise.all(Array.from({ length: ROUNDS / 2 }, () => client.createIdentity()));
  const signatures = new Map<string, number>();
  // Each key's sealed backup as D1 holds it now: what a restore still in flight would carry.
  const ids = [...lost, ...held].map((i) => `'${i.id}'`).join(", ");
  const backups = new Map((await stack().sql(`SELECT identity_id, sealed_key FROM key_backups WHERE identity_id IN (${ids})`)).map((r) => [r.identity_id as string, r.sealed_key as string]));
  expect(backups.size).toBe(ROUNDS);

  for (const [round, identity] of [...lost, ...held].entries()) {
    const r = await race(client, identity);
    const where = `round ${round} (${round < ROUNDS / 2 ? "key only in its backup" : "key held"})`;
    expect(r.destroyed, where).toEqual({ ok: true, value: { ok: true } });
    for (const o of [...r.signs, ...r.restores, ...r.after]) if (!o.ok) expect(o.status, `${where}: ${o.code}`).toBeLessThan(500);
    for (const o of r.after) expect(o, where).toMatchObject({ ok: false, status: 409, code: "identity_not_active" });
    r.signs.forEach((o, i) => {
      if (o.ok) expect(verifySchnorr(identity.public_key, r.early[i]!.digest, o.value as string), where).toBe(true);
    });
    signatures.set(identity.id, r.signs.filter((o) => o.ok).length);

    // The signer itself, asked with a ticket it would honour for a key it held: it holds none.
    const digest = randomDigest();
    const ticket = await mintStackTicket(stack(), { userId, identityId: identity.id, dgh: digestHash(digest) });
    expect(await callSigner(stack(), "/v1/keys/sign", { identity_id: identity.id, digest, ticket }), where).toMatchObject({ status: 404, json: { code: "key_not_found" } });
    await expect(client.signIntent(identity.id, randomDigest()), where).rejects.toMatchObject({ status: 409, code: "identity_not_active" });
    // A restore that reaches the signer only now, with the backup it read before the destroy, is refused.
    const late = await callSigner(stack(), "/v1/keys/import", { identity_id: identity.id, user_id: userId, sealed_key: backups.get(identity.id) });
    expect(late, where).toMatchObject({ status: 409, json: { code: "identity_not_active" } });
  }

  expect(await signerHealth(stack())).toMatchObject({ keys: 0 });
  const rows = await stack().sql(`SELECT i.status, (SELECT count(*) FROM key_backups b WHERE b.identity_id = i.id) AS backups FROM identities i WHERE i.id IN (${ids})`);
  expect(rows).toHaveLength(ROUNDS);
  expect(rows.every((row) => row.status === "destroyed" && row.backups === 0), JSON.stringify(rows)).toBe(true);

  // The audit agrees: every signature was spent before the destroy, and is one the caller received.
  await new Promise((resolve) => setTimeout(resolve, 500)); // `identity.sign_failed` is written after the answer
  const all = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await client.audit({ limit: 100, offset })).items;
    all.push(...page);
    if (page.length < 100) break;
  }
  for (const identity of [...lost, ...held]) {
    const mine = all.filter((e) => e.identity_id === identity.id);
    const destroyId = mine.find((e) => e.action === "identity.destroy")!.id;
    const signed = mine.filter((e) => e.action === "identity.sign");
    expect(signed.every((e) => e.id < destroyId), identity.id).toBe(true);
    const failed = mine.filter((e) => e.action === "identity.sign_failed").length;
    expect(signed.length - failed, identity.id).toBe(signatures.get(identity.id));
  }
}, 300_000);
