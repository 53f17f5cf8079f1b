import { ClwApiError, verifySchnorr, requireTicket } from "@clw/shared";
import { expect, it } from "vitest";
import { randomDigest, signIn, useLocalStack } from "./support.js";

// Limits raised so the only thing that can refuse a call is the ticket itself.
const stack = useLocalStack({ vars: { RATE_LIMIT_PER_USER: "100000", RATE_LIMIT_PER_IDENTITY_SIGN: "100000" } });

it("turns one ticket into exactly one signature under 30 concurrent sign calls", async () => {
  const { client } = await signIn(stack().apiUrl);
  const identity = await client.createIdentity();
  const digest = randomDigest();
  const { ticket } = requireTicket(await client.signIntent(identity.id, digest));

  const results = await Promise.allSettled(Array.from({ length: 30 }, () => client.sign(identity.id, digest, ticket)));

  const signatures = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const refusals = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  expect(signatures).toHaveLength(1);
  expect(verifySchnorr(identity.public_key, digest, signatures[0]!)).toBe(true);
  expect(refusals).toHaveLength(29);
  for (const refusal of refusals) {
    expect(refusal).toBeInstanceOf(ClwApiError);
    expect(refusal).toMatchObject({ status: 409, code: "ticket_replayed" });
  }
});
