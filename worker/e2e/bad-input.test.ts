import { createClient, type ClwClient, requireTicket } from "@clw/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { bodyCases, credentialCases, digestCases, idCases, typeCases, type BadCase, type Fixture } from "./bad-input-cases.js";
import { randomDigest, rawRequest, signIn, useLocalStack } from "./support.js";

// Limits raised: the sweep sends hundreds of requests and must see the validation answers.
const stack = useLocalStack({ vars: { RATE_LIMIT_PER_USER: "100000", RATE_LIMIT_PER_IDENTITY_SIGN: "100000" } });

let fixture: Fixture;
let clients: ClwClient[];

beforeAll(async () => {
  const a = await signIn(stack().apiUrl);
  const b = await signIn(stack().apiUrl);
  const identityA = (await a.client.createIdentity()).id;
  await b.client.createIdentity();
  const digestA = randomDigest();
  const { ticket } = requireTicket(await a.client.signIntent(identityA, digestA));
  fixture = { tokenA: a.session.token, tokenB: b.session.token, identityA, ticketA: ticket, digestA };
  clients = [a.session.token, b.session.token].map((token) => createClient({ baseUrl: stack().apiUrl, token }));
});

/** Identity lists and audit totals of both users: what a refused request must not change. */
async function snapshot(): Promise<unknown> {
  return Promise.all(
    clients.map(async (client) => ({
      identities: (await client.listIdentities()).map((i) => `${i.id}:${i.status}`),
      audit: (await client.audit({ limit: 100 })).items.map((e) => e.id),
    })),
  );
}

/** Sends every case in turn; returns a description of each answer that broke the contract. */
async function violations(cases: BadCase[]): Promise<string[]> {
  const found: string[] = [];
  for (const c of cases) {
    const answer = await rawRequest(stack().apiUrl, c.method, c.path, { token: c.token, body: c.body });
    const body = answer.json as { error?: unknown; code?: unknown } | null;
    const okShape = typeof body?.error === "string" && typeof body?.code === "string";
    const okStatus = c.status ? answer.status === c.status : answer.status >= 400 && answer.status < 500;
    const okCode = !c.code || body?.code === c.code;
    if (!okShape || !okStatus || !okCode) {
      found.push(`${c.name}: wanted ${c.status ?? "4xx"}${c.code ? ` ${c.code}` : ""}, got ${answer.status} ${JSON.stringify(body)?.slice(0, 160)}`);
    }
  }
  return found;
}

/** Runs a sweep and asserts it found nothing and changed nothing. */
async function sweep(cases: BadCase[]): Promise<void> {
  const before = await snapshot();
  expect(await violations(cases)).toEqual([]);
  expect(await snapshot()).toEqual(before);
}

describe("hostile input on every route: always 4xx {error, code}, never 500, nothing changes", () => {
  it("malformed, empty, oversize and non-object bodies", () => sweep(bodyCases(fixture)));
  it("wrong types, unknown fields and out-of-range values", () => sweep(typeCases(fixture)));
  it("non-hex and 31/33-byte digests", () => sweep(digestCases(fixture)));
  it("non-UUID, unknown and other users' identity ids", () => sweep(idCases(fixture)));
  it("missing and forged tokens, tickets as bearer tokens, sessions as tickets", () => sweep(credentialCases(fixture)));
});
