import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { saveAgent } from "../../src/cli/config.js";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { agent, cliHarness, fakeApi, ID, identity, intentState, KEY, OTHER_ID, saved, SIG } from "./harness.js";

const DIGEST = "ef".repeat(32);
const ticketIntent = { status: 201, body: { id: "i", identity_id: ID, digest_hash: "h", nonce: "n", scope: "sign", expires_at: "t", ticket: "TICKET" } };
const pendingIntent = { status: 202, body: { id: "p", status: "pending_approval", expires_at: "t2", approval_url: "https://pay.example/#/requests/p" } };

/** A signed-in harness (the saved key for `API`, scoped as given) talking to a made-up API. */
async function signedIn(handlers: Parameters<typeof fakeApi>[0], identityIds: string[] | null = [ID], extra: { stdin?: string | Uint8Array } = {}) {
  const api = fakeApi(handlers);
  const h = await cliHarness({ fetch: api.fetch, ...extra });
  await saveAgent(h.configFile, saved(identityIds));
  return { ...h, calls: api.calls };
}

describe("clw help", () => {
  it("describes every command, the environment and the exit codes; each command's help lists its options", async () => {
    const h = await cliHarness();
    expect(await h.run("--help")).toBe(0);
    for (const command of COMMANDS) expect(h.stdout()).toContain(`  ${command.name} `);
    for (const text of ["CLW_API_URL", "CLW_AGENT_KEY", "CLW_CONFIG", "Exit codes", "  3 "]) expect(h.stdout()).toContain(text);
    for (const command of COMMANDS) {
      h.clear();
      expect(await h.run(command.name, "--help")).toBe(0);
      for (const option of [...Object.keys(command.options), "api", "json"]) expect(h.stdout(), command.name).toContain(`--${option}`);
    }
  });

  it("no command, an unknown one or an unknown flag is exit 2", async () => {
    const h = await cliHarness();
    expect(await h.run()).toBe(2);
    expect(await h.run("frobnicate")).toBe(2);
    expect(await h.run("keys", "--frob")).toBe(2);
    expect(await h.run("keys", "extra")).toBe(2);
    expect(h.stdout()).toBe("");
  });
});

describe("whoami", () => {
  it("prints the agent key as the API knows it now, and a revoked key is a failure that says so", async () => {
    const h = await signedIn({ "GET /v1/agents/me": () => ({ status: 200, body: { ...agent([ID]), permissions: ["sign"], expires_at: "2027-01-01T00:00:00.000Z" } }) });
    expect(await h.run("whoami")).toBe(0);
    expect(h.stdout()).toContain("agent    trading-bot\n");
    expect(h.stdout()).toContain(`keys     ${ID}\n`);
    expect(h.stdout()).toContain("may      sign\n");
    expect(h.stdout()).toContain("expires  2027-01-01T00:00:00.000Z\n");
    h.clear();
    expect(await h.run("whoami", "--json")).toBe(0);
    expect(JSON.parse(h.stdout())).toMatchObject({ name: "trading-bot", identity_ids: [ID], created_via: "agent_signin" });
    const revoked = await signedIn({ "GET /v1/agents/me": () => ({ status: 401, body: { error: "the agent key is unknown, revoked or expired", code: "unauthorized" } }) });
    expect(await revoked.run("whoami")).toBe(1);
    expect(revoked.stderr()).toContain("revoked");
  });
});

describe("reading keys", () => {
  it("keys lists id, public key and address; --json prints one object", async () => {
    const h = await signedIn({ "GET /v1/identities": () => ({ status: 200, body: { items: [identity(), identity(OTHER_ID)] } }) }, null);
    expect(await h.run("keys")).toBe(0);
    expect(h.stdout().split("\n")[1]).toMatch(new RegExp(`^${ID}\\s+02(cd){32}\\s+bc1pxyz$`));
    expect(h.calls[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    h.clear();
    expect(await h.run("keys", "--json")).toBe(0);
    expect(JSON.parse(h.stdout())).toEqual({ items: [ID, OTHER_ID].map((id) => ({ id, public_key: identity().public_key, address: "bc1pxyz", created_at: "t" })) });
  });

  it("address picks the only identity, and asks which one when there are several", async () => {
    const one = await signedIn({ "GET /v1/identities": () => ({ status: 200, body: { items: [identity()] } }) }, null);
    expect(await one.run("address")).toBe(0);
    expect(one.stdout()).toBe("bc1pxyz\n");
    // Choosing the only identity and reading its address take one listing, not two.
    expect(one.calls.filter((c) => c.url.pathname === "/v1/identities")).toHaveLength(1);
    const two = await signedIn({ "GET /v1/identities": () => ({ status: 200, body: { items: [identity(), identity(OTHER_ID)] } }) }, null);
    expect(await two.run("address")).toBe(2);
    expect(two.stderr()).toContain(OTHER_ID);
    expect(await two.run("address", OTHER_ID.toUpperCase(), "--json")).toBe(0);
    expect(JSON.parse(two.stdout())).toMatchObject({ identity_id: OTHER_ID, address: "bc1pxyz" });
  });

  it("without a key it says how to sign in (exit 1); an API error carries its code and message", async () => {
    const h = await cliHarness({ fetch: fakeApi({}).fetch });
    expect(await h.run("keys")).toBe(1);
    expect(h.stderr()).toContain("not signed in: run clw login");
    const refused = await signedIn({ "GET /v1/identities": () => ({ status: 401, body: { error: "this agent key was revoked", code: "unauthorized" } }) });
    expect(await refused.run("keys", "--json")).toBe(1);
    expect(JSON.parse(refused.stdout())).toEqual({ error: "this agent key was revoked (unauthorized, HTTP 401)", code: "unauthorized", exit_code: 1 });
  });
});

describe("clw sign", () => {
  it("signs with the only identity granted and prints the signature", async () => {
    const h = await signedIn({ [`POST /v1/identities/${ID}/sign-intent`]: () => ticketIntent, [`POST /v1/identities/${ID}/sign`]: () => ({ status: 200, body: { signature: SIG } }) });
    expect(await h.run("sign", `0x${DIGEST.toUpperCase()}`)).toBe(0);
    expect(h.stdout()).toBe(`${SIG}\n`);
    expect(h.calls[0]!.body).toEqual({ digest: DIGEST });
    expect(h.calls[0]!.headers["idempotency-key"]).toMatch(/^clw-/);
    expect(h.calls[1]!.body).toEqual({ digest: DIGEST, ticket: "TICKET" });
  });

  it("declares a payment, and checks it before asking", async () => {
    const h = await signedIn({ [`POST /v1/identities/${ID}/sign-intent`]: () => ticketIntent, [`POST /v1/identities/${ID}/sign`]: () => ({ status: 200, body: { signature: SIG } }) });
    const to = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
    expect(await h.run("sign", DIGEST, "--payment-sats", "42000", "--destination", to, "--memo", "invoice 7", "--json")).toBe(0);
    expect(h.calls[0]!.body).toEqual({ digest: DIGEST, payment: { amount_sats: 42000, destination: to, memo: "invoice 7" } });
    expect(JSON.parse(h.stdout())).toEqual({ identity_id: ID, digest: DIGEST, signature: SIG });
    const calls = h.calls.length;
    expect(await h.run("sign", DIGEST, "--payment-sats", "42000")).toBe(2);
    expect(await h.run("sign", DIGEST, "--payment-sats", "0", "--destination", to)).toBe(2);
    expect(await h.run("sign", DIGEST, "--payment-sats", "5", "--destination", "not-an-address")).toBe(2);
    expect(await h.run("sign", "abc")).toBe(2);
    expect(h.calls).toHaveLength(calls);
  });

  it("waits for the owner's approval, saying so with the approval URL on stderr, then signs", async () => {
    let polls = 0;
    const h = await signedIn({
      [`POST /v1/identities/${ID}/sign-intent`]: () => pendingIntent,
      "GET /v1/sign-intents/p": () => ({ status: 200, body: intentState(++polls < 2 ? { status: "pending_approval" } : { status: "approved", ticket: "LATE" }) }),
      [`POST /v1/identities/${ID}/sign`]: () => ({ status: 200, body: { signature: SIG } }),
    });
    expect(await h.run("sign", DIGEST)).toBe(0);
    expect(h.stderr()).toContain("waiting for the owner's approval in Telegram… https://pay.example/#/requests/p");
    expect(h.stdout()).toBe(`${SIG}\n`);
  });

  it("denied or expired: exit 3 with the reason", async () => {
    for (const [status, words] of [["denied", "the owner denied this request"], ["expired", "expired before the owner decided"]] as const) {
      const h = await signedIn({ [`POST /v1/identities/${ID}/sign-intent`]: () => pendingIntent, "GET /v1/sign-intents/p": () => ({ status: 200, body: intentState({ status }) }) });
      expect(await h.run("sign", DIGEST), status).toBe(3);
      expect(h.stderr()).toContain(words);
    }
    const refused = await signedIn({ [`POST /v1/identities/${ID}/sign-intent`]: () => ({ status: 403, body: { error: "the destination is not on the allowlist", code: "policy_denied" } }) });
    expect(await refused.run("sign", DIGEST)).toBe(3);
  });

  it("out of time: exit 3, with the request and the Idempotency-Key that picks it up again", async () => {
    const h = await signedIn({ [`POST /v1/identities/${ID}/sign-intent`]: () => pendingIntent, "GET /v1/sign-intents/p": () => ({ status: 200, body: intentState({ status: "pending_approval" }) }) });
    expect(await h.run("sign", DIGEST, "--timeout", "0", "--idempotency-key", "job-17", "--json")).toBe(3);
    expect(JSON.parse(h.stdout())).toMatchObject({ code: "pending_approval", exit_code: 3, request_id: "p", approval_url: "https://pay.example/#/requests/p", idempotency_key: "job-17" });
    expect(h.calls[0]!.headers["idempotency-key"]).toBe("job-17");
    expect(h.stderr()).toContain("--idempotency-key job-17");
  });

  it("needs --identity when the key may use several and none was chosen", async () => {
    const h = await signedIn({ "GET /v1/identities": () => ({ status: 200, body: { items: [identity(), identity(OTHER_ID)] } }) }, null);
    expect(await h.run("sign", DIGEST)).toBe(2);
    expect(h.stderr()).toContain("--identity");
  });
});

describe("clw sign-psbt", () => {
  const signed = (tx_hex: string | null) => ({ status: 200, body: { psbt: "U0lHTkVE", signed_inputs: [0], tx_hex } });
  const handlers = (tx_hex: string | null) => ({ [`POST /v1/identities/${ID}/sign-intent`]: () => ticketIntent, [`POST /v1/identities/${ID}/sign`]: () => signed(tx_hex) });

  it("reads base64 from a file, prints the signed PSBT and, once complete, the raw transaction", async () => {
    const h = await signedIn(handlers("0200abcd"));
    await writeFile(path.join(h.home, "tx.psbt"), "cHNidP8B\nAAAA\n");
    expect(await h.run("sign-psbt", "tx.psbt", "--finalize")).toBe(0);
    expect(h.calls[0]!.body).toEqual({ psbt: "cHNidP8BAAAA" });
    expect(h.calls[1]!.body).toEqual({ psbt: "cHNidP8BAAAA", ticket: "TICKET", finalize: true });
    expect(h.stdout()).toBe("U0lHTkVE\n0200abcd\n");
  });

  it("reads stdin (-), binary PSBTs too, and --json prints one object", async () => {
    const binary = Uint8Array.of(0x70, 0x73, 0x62, 0x74, 0xff, 0x01);
    const h = await signedIn(handlers(null), [ID], { stdin: binary });
    expect(await h.run("sign-psbt", "-", "--json")).toBe(0);
    expect(h.calls[0]!.body).toEqual({ psbt: Buffer.from(binary).toString("base64") });
    expect(JSON.parse(h.stdout())).toEqual({ identity_id: ID, psbt: "U0lHTkVE", signed_inputs: [0], tx_hex: null });
  });

  it("a missing file is exit 1; the API's invalid_psbt is exit 1 with its message", async () => {
    const h = await signedIn({ [`POST /v1/identities/${ID}/sign-intent`]: () => ({ status: 400, body: { error: "not a PSBT", code: "invalid_psbt" } }) }, [ID], { stdin: "garbage" });
    expect(await h.run("sign-psbt", "missing.psbt")).toBe(1);
    expect(await h.run("sign-psbt", "-")).toBe(1);
    expect(h.stderr()).toContain("not a PSBT (invalid_psbt, HTTP 400)");
  });
});

describe("clw status", () => {
  it("shows a request in words, or as the API's JSON", async () => {
    const id = "7cc3abc5-d5ad-43ab-8910-8a71caf74a49";
    const payment = { amount_sats: 42000, destination: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", memo: "invoice 7" };
    const h = await signedIn({ [`GET /v1/sign-intents/${id}`]: (_b, url) => ({ status: 200, body: intentState({ id, status: "denied", payment, decided_via: url.searchParams.get("wait") === "5" ? "telegram" : "?" }) }) });
    expect(await h.run("status", id, "--wait", "5")).toBe(0);
    expect(h.stdout()).toMatch(/status\s+denied/);
    expect(h.stdout()).toContain("42,000 sats to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    expect(h.stdout()).toMatch(/decided via\s+telegram/);
    h.clear();
    expect(await h.run("status", id, "--json")).toBe(0);
    expect(JSON.parse(h.stdout())).toMatchObject({ id, status: "denied", payment });
    expect(await h.run("status", id, "--wait", "26")).toBe(2);
  });
});
