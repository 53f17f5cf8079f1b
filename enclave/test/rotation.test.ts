import { afterEach, describe, expect, it } from "vitest";
import { API_KEY, TICKET_SECRET, mintTicket, newId, randomHex, startEnclave, type TestEnclave } from "./helpers.js";

const NEW_KEY = "rotated-internal-api-key-0123456789";
const NEW_SECRET = "rotated-ticket-signing-secret-0123456789";

let enclave: TestEnclave | undefined;
afterEach(async () => {
  await enclave?.close();
  enclave = undefined;
});

async function keyFor(e: TestEnclave, apiKey: string) {
  const userId = newId();
  const identityId = newId();
  const res = await e.post("/v1/keys/generate", { identity_id: identityId, user_id: userId }, { "x-internal-api-key": apiKey });
  return { res, userId, identityId };
}

describe("secrets rotation", () => {
  it("accepts the previous internal key and ticket secret until they are removed", async () => {
    // After the rotation: new values current, the old ones still accepted.
    enclave = await startEnclave({ internalApiKey: NEW_KEY, previousInternalApiKey: API_KEY, ticketSigningSecret: NEW_SECRET, previousTicketSigningSecret: TICKET_SECRET });
    const { res, userId, identityId } = await keyFor(enclave, API_KEY);
    expect(res.status).toBe(201);
    expect((await keyFor(enclave, NEW_KEY)).res.status).toBe(201);
    const digest = randomHex(32);
    const oldTicket = await mintTicket({ sub: userId, iid: identityId, digest, secret: TICKET_SECRET });
    const signed = await enclave.post("/v1/keys/sign", { identity_id: identityId, digest, ticket: oldTicket }, { "x-internal-api-key": NEW_KEY });
    expect(signed.status).toBe(200);
    const newTicket = await mintTicket({ sub: userId, iid: identityId, digest, secret: NEW_SECRET });
    expect((await enclave.post("/v1/keys/sign", { identity_id: identityId, digest, ticket: newTicket }, { "x-internal-api-key": NEW_KEY })).status).toBe(200);
    expect((await keyFor(enclave, "neither-key-0123456789abcdef")).res.status).toBe(401);
  });

  it("refuses the old values once the previous ones are removed", async () => {
    enclave = await startEnclave({ internalApiKey: NEW_KEY, ticketSigningSecret: NEW_SECRET });
    expect((await keyFor(enclave, API_KEY)).res.status).toBe(401);
    const { userId, identityId } = await keyFor(enclave, NEW_KEY);
    const digest = randomHex(32);
    const oldTicket = await mintTicket({ sub: userId, iid: identityId, digest, secret: TICKET_SECRET });
    const res = await enclave.post("/v1/keys/sign", { identity_id: identityId, digest, ticket: oldTicket }, { "x-internal-api-key": NEW_KEY });
    expect([res.status, res.json.code]).toEqual([401, "invalid_ticket"]);
  });

  it("still reports an expired ticket signed with the previous secret as expired", async () => {
    enclave = await startEnclave({ ticketSigningSecret: NEW_SECRET, previousTicketSigningSecret: TICKET_SECRET });
    const { userId, identityId } = await keyFor(enclave, API_KEY);
    const digest = randomHex(32);
    const stale = await mintTicket({ sub: userId, iid: identityId, digest, secret: TICKET_SECRET, expiresIn: -10 });
    const res = await enclave.post("/v1/keys/sign", { identity_id: identityId, digest, ticket: stale });
    expect([res.status, res.json.code]).toEqual([410, "ticket_expired"]);
  });
});
