/**
 * Hostile and broken PSBTs through the real stack (BITCOIN_NETWORK at its default, mainnet): each
 * is a 4xx whose message says what is wrong, and none of them writes anything to D1.
 */
import { randomBytes } from "node:crypto";
import { LIMITS, type SignIntent } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { buildPsbt, keyPathScript, Psbt, someoneElse, xOnlyOf } from "../../enclave/test/psbt-builders.js";
import { expectErrorBody, rawRequest, signIn, useLocalStack, type RawAnswer } from "./support.js";

const stack = useLocalStack();

/** A 78-byte BIP-32 extended public key with the given version bytes (0x043587cf: tpub, testnet) and depth. */
function extendedKey(version: number, depth: number): Buffer {
  const key = Buffer.alloc(78);
  key.writeUInt32BE(version, 0);
  key.writeUInt8(depth, 4);
  randomBytes(32).copy(key, 13); // chain code
  Buffer.concat([Buffer.of(0x02), someoneElse().xOnly]).copy(key, 45);
  return key;
}

interface Case {
  name: string;
  /** What is sent as `psbt`. */
  psbt: string;
  status: number;
  code: string;
  message: RegExp;
}

/** One owner's key and every bad PSBT the sweep sends for it. */
async function fixture() {
  const { client, session } = await signIn(stack().apiUrl);
  const identity = await client.createIdentity();
  const p = xOnlyOf(identity.public_key);
  const own = keyPathScript(p);
  const good = () => buildPsbt([{ script: own, value: 20_000n, tapInternalKey: p }], [{ script: someoneElse().script, value: 19_000n }]);
  const valid = good().toBase64();
  const bytes = Buffer.from(valid, "base64");

  const testnetXpub = good();
  testnetXpub.updateGlobal({ globalXpub: [{ masterFingerprint: Buffer.from("deadbeef", "hex"), extendedPubkey: extendedKey(0x043587cf, 3), path: "m/86'/1'/0'" }] });
  const testnetPath = good();
  testnetPath.updateInput(0, { tapBip32Derivation: [{ masterFingerprint: Buffer.from("deadbeef", "hex"), pubkey: p, path: "m/86'/1'/0'/0/7", leafHashes: [] }] });
  const p2wpkh = Buffer.concat([Buffer.of(0x00, 0x14), randomBytes(20)]);
  // Far past the body limit, yet a well-formed PSBT: 1,700 outputs of dust.
  const huge = buildPsbt([{ script: own, value: 10_000_000n }], Array.from({ length: 1_700 }, () => ({ script: own, value: 546n })));

  const invalid = (name: string, psbt: string, message: RegExp): Case => ({ name, psbt, status: 400, code: "invalid_psbt", message });
  const cases: Case[] = [
    invalid("not base64", "this is not base64!", /not valid base64/),
    invalid("wrong magic", Buffer.from("a perfectly ordinary string, not a PSBT").toString("base64"), /magic bytes "psbt" 0xff/),
    invalid("truncated", bytes.subarray(0, Math.floor(bytes.length / 2)).toString("base64"), /could not be decoded \(truncated or invalid\)/),
    invalid("no input for this key", buildPsbt([{ script: someoneElse().script, value: 20_000n }], [{ script: own, value: 19_000n }]).toBase64(), /no input of this PSBT is left for this key to sign/),
    invalid("missing witness_utxo", buildPsbt([{ script: own, value: 20_000n, noWitnessUtxo: true }], [{ script: own, value: 19_000n }]).toBase64(), /input 0 has no witness_utxo/),
    invalid("non-Taproot inputs only", buildPsbt([{ script: p2wpkh, value: 20_000n }], [{ script: own, value: 19_000n }]).toBase64(), /no Taproot \(P2TR\) input/),
    invalid("a testnet PSBT_GLOBAL_XPUB on mainnet", testnetXpub.toBase64(), /global xpub 0 \(version 0x043587cf\) is for a test network but the PSBT was sent for mainnet: mixed networks/),
    invalid("a testnet BIP-32 derivation on mainnet", testnetPath.toBase64(), /input 0's BIP-32 derivation \(coin type 1'\) is for a test network but the PSBT was sent for mainnet/),
    invalid("outputs above inputs", buildPsbt([{ script: own, value: 1_000n }], [{ script: own, value: 2_000n }]).toBase64(), /spend more than the inputs/),
    { name: "over the 64 KiB body limit", psbt: huge.toBase64(), status: 413, code: "payload_too_large", message: /larger than 65536 bytes/ },
  ];
  return { client, token: session.token, userId: session.user.id, identity, own, valid, cases };
}

/** What D1 holds for this user: requests, audit events, spent tickets. */
async function recorded(userId: string) {
  const [row] = await stack().sql(
    `SELECT (SELECT count(*) FROM sign_intents WHERE user_id = '${userId}') AS intents, (SELECT count(*) FROM audit_events WHERE user_id = '${userId}') AS events, (SELECT count(*) FROM ticket_uses WHERE identity_id IN (SELECT id FROM identities WHERE user_id = '${userId}')) AS tickets`,
  );
  return row;
}

function expectRefused(answer: RawAnswer, c: Case, route: string) {
  expectErrorBody(answer, c.status, c.code);
  expect((answer.json as { error: string }).error, `${route}: ${c.name}`).toMatch(c.message);
}

describe("bad PSBTs", () => {
  it("each is refused with a 4xx that says what is wrong, on sign-intent and on sign, and nothing is written", async () => {
    const f = await fixture();
    expect(Buffer.byteLength(JSON.stringify({ psbt: f.cases.at(-1)!.psbt }))).toBeGreaterThan(LIMITS.maxBodyBytes);
    // A valid ticket, so that /sign gets as far as reading the PSBT.
    const intent = await rawRequest(stack().apiUrl, "POST", `/v1/identities/${f.identity.id}/sign-intent`, { token: f.token, body: { psbt: f.valid } });
    expect(intent.status, JSON.stringify(intent.json)).toBe(201);
    const { ticket } = intent.json as SignIntent;
    const before = await recorded(f.userId);
    const auditBefore = await f.client.audit({ limit: 100 });

    for (const c of f.cases) {
      const asked = await rawRequest(stack().apiUrl, "POST", `/v1/identities/${f.identity.id}/sign-intent`, { token: f.token, body: { psbt: c.psbt } });
      expectRefused(asked, c, "sign-intent");
      const signed = await rawRequest(stack().apiUrl, "POST", `/v1/identities/${f.identity.id}/sign`, { token: f.token, body: { psbt: c.psbt, ticket } });
      expectRefused(signed, c, "sign");
    }

    expect(await recorded(f.userId)).toEqual(before);
    expect(await f.client.audit({ limit: 100 })).toEqual(auditBefore);
    // The ticket was never spent by any of it: it still signs the PSBT it was issued for.
    const good = await rawRequest(stack().apiUrl, "POST", `/v1/identities/${f.identity.id}/sign`, { token: f.token, body: { psbt: f.valid, ticket } });
    expect(good.status, JSON.stringify(good.json)).toBe(200);
    expect(Psbt.fromBase64((good.json as { psbt: string }).psbt).data.inputs[0]!.tapKeySig).toHaveLength(64);
  });
});
