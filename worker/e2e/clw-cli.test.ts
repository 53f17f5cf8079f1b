/**
 * `clw`, the agent's command line, as a real process against the real local stack (test mode):
 * an owner makes a key, their agent signs in with `clw login`, reads its keys and signs digests
 * and PSBTs; waiting for the owner, the key file, the environment and --json.
 */
import { randomBytes } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { schnorr } from "@noble/curves/secp256k1.js";
import { p2tr, SigHash, Transaction } from "@scure/btc-signer";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../stack/components.js";
import { runCommand } from "../stack/processes.js";
import { agentHome, clw, loginAgent, ownerWithIdentity, removeAgentHomes } from "./clw.js";
import { randomDigest, useLocalStack } from "./support.js";

const stack = useLocalStack();
afterAll(removeAgentHomes);
const hex = (value: string) => Uint8Array.from(Buffer.from(value, "hex"));

/** An owner with a key, and their agent signed in with `clw login` in a home of its own. */
async function signedInAgent() {
  const owner = await ownerWithIdentity(stack().apiUrl);
  const home = await agentHome();
  const login = await loginAgent(stack().apiUrl, owner.telegramUserId, home.env);
  return { ...owner, ...home, login };
}

/** A PSBT spending 100,000 sats from the identity's own BIP-86 address (key path), paying 90,000 elsewhere. */
function spendFromOwnAddress(publicKey: string) {
  const xOnly = hex(publicKey.slice(2));
  const mine = p2tr(xOnly);
  const tx = new Transaction();
  tx.addInput({ txid: randomBytes(32), index: 0, witnessUtxo: { amount: 100_000n, script: mine.script }, tapInternalKey: xOnly });
  tx.addOutput({ script: p2tr(schnorr.getPublicKey(schnorr.utils.randomSecretKey())).script, amount: 90_000n });
  return { psbt: Buffer.from(tx.toPSBT(0)).toString("base64"), address: mine.address, script: mine.script };
}

describe("clw from login to signatures", () => {
  it("login saves the key 0600 in a 0700 directory, and keys, address and sign work with it", async () => {
    const a = await signedInAgent();
    expect(a.login.stdout).toContain('signed in as agent "e2e-agent"');
    expect(a.login.stdout).not.toMatch(/clw_ak_/);
    expect((await stat(a.config)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(a.config))).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(await readFile(a.config, "utf8"));
    expect(saved).toMatchObject({ api_url: stack().apiUrl, agent_key: expect.stringMatching(/^clw_ak_[A-Za-z0-9_-]{43}$/), agent: { name: "e2e-agent", permissions: ["sign", "read"] } });

    const whoami = await clw(["whoami"], { env: a.env });
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout).toMatch(/^agent\s+e2e-agent$/m);
    expect(whoami.stdout).toMatch(/^may\s+sign, read$/m);

    const keys = await clw(["keys"], { env: a.env });
    expect(keys.code, keys.stderr).toBe(0);
    expect(keys.stdout).toMatch(new RegExp(`^${a.identity.id}\\s+${a.identity.public_key}\\s+${a.identity.address}$`, "m"));

    const address = await clw(["address"], { env: a.env });
    expect(address.stdout).toBe(`${a.identity.address}\n`);
    expect(a.identity.address).toMatch(/^bc1p/);

    const digest = randomDigest();
    const signed = await clw(["sign", digest], { env: a.env });
    expect(signed.code, signed.stderr).toBe(0);
    const signature = signed.stdout.trim();
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    // BIP-340 against the 32-byte x-only key: the public key without its 02/03 prefix.
    expect(schnorr.verify(hex(signature), hex(digest), hex(a.identity.public_key.slice(2)))).toBe(true);
    expect(schnorr.verify(hex(signature), hex(randomDigest()), hex(a.identity.public_key.slice(2)))).toBe(false);
  });

  it("sign-psbt signs a key-path spend from the identity's own address; the finalised transaction's signature verifies", async () => {
    const a = await signedInAgent();
    const spend = spendFromOwnAddress(a.identity.public_key);
    expect(spend.address).toBe(a.identity.address);
    await writeFile(path.join(a.home, "spend.psbt"), `${spend.psbt}\n`);

    const run = await clw(["sign-psbt", "spend.psbt", "--finalize", "--json"], { env: a.env });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ identity_id: a.identity.id, signed_inputs: [0], tx_hex: expect.stringMatching(/^[0-9a-f]+$/) });
    const tx = Transaction.fromRaw(hex(out.tx_hex));
    const [witnessSig] = tx.getInput(0).finalScriptWitness!;
    const sighash = tx.preimageWitnessV1(0, [spend.script], SigHash.DEFAULT, [100_000n]);
    expect(schnorr.verify(witnessSig!, sighash, spend.script.slice(2))).toBe(true);

    const piped = await clw(["sign-psbt", "-"], { env: a.env, stdin: spend.psbt });
    expect(piped.code, piped.stderr).toBe(0);
    const signedPsbt = Transaction.fromPSBT(Buffer.from(piped.stdout.trim(), "base64"));
    expect(signedPsbt.getInput(0).tapKeySig).toHaveLength(64);
    expect(piped.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("a policy that requires approval makes clw sign wait for the owner, then give up with exit 3 after --timeout", async () => {
    const a = await signedInAgent();
    await a.owner.setPolicy(a.identity.id, { require_approval: true, auto_approve_max_sats: null, daily_limit_sats: null, allowed_destinations: null });
    const run = await clw(["sign", randomDigest(), "--timeout", "2"], { env: a.env });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/waiting for the owner's approval in Telegram… https?:\/\/\S+#\/requests\/[0-9a-f-]{36}/);
    expect(run.stderr).toContain("no decision from the owner within 2 s");
    expect(run.ms).toBeGreaterThanOrEqual(2000);

    const json = await clw(["sign", randomDigest(), "--timeout", "2", "--json"], { env: a.env });
    expect(json.code).toBe(3);
    const failure = JSON.parse(json.stdout);
    expect(failure).toMatchObject({ code: "pending_approval", exit_code: 3, request_id: expect.any(String), idempotency_key: expect.any(String) });
    const status = await clw(["status", failure.request_id, "--json"], { env: a.env });
    expect(JSON.parse(status.stdout)).toMatchObject({ id: failure.request_id, status: "pending_approval", requested_by: 'agent "e2e-agent"' });
    expect((await a.owner.getSignIntent(failure.request_id)).status).toBe("pending_approval");
  });
});

describe("clw's credentials and output", () => {
  it("CLW_AGENT_KEY and CLW_API_URL win over the file; the saved key never goes to another API", async () => {
    const a = await signedInAgent();
    const b = await signedInAgent();
    const bKey = JSON.parse(await readFile(b.config, "utf8")).agent_key as string;
    const asB = await clw(["keys", "--json"], { env: { ...a.env, CLW_AGENT_KEY: bKey } });
    expect(asB.code, asB.stderr).toBe(0);
    expect(JSON.parse(asB.stdout).items.map((k: { id: string }) => k.id)).toEqual([b.identity.id]);

    const savedA = JSON.parse(await readFile(a.config, "utf8"));
    await writeFile(a.config, JSON.stringify({ ...savedA, api_url: "http://127.0.0.1:9" }), { mode: 0o600 });
    const dead = await clw(["keys"], { env: a.env });
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain("could not reach the API");
    const elsewhere = await clw(["keys"], { env: { ...a.env, CLW_API_URL: stack().apiUrl } });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain(`is for http://127.0.0.1:9, not ${stack().apiUrl}`);
    const both = await clw(["address"], { env: { ...a.env, CLW_API_URL: stack().apiUrl, CLW_AGENT_KEY: savedA.agent_key } });
    expect(both.stdout).toBe(`${a.identity.address}\n`);
  });

  it("--json prints exactly one JSON object on stdout for every command, failures too", async () => {
    const a = await signedInAgent();
    const digest = randomDigest();
    const runs = {
      keys: await clw(["keys", "--json"], { env: a.env }),
      whoami: await clw(["whoami", "--json"], { env: a.env }),
      address: await clw(["address", "--json"], { env: a.env }),
      sign: await clw(["sign", digest, "--json"], { env: a.env }),
      "sign-psbt": await clw(["sign-psbt", "-", "--json"], { env: a.env, stdin: spendFromOwnAddress(a.identity.public_key).psbt }),
      "bad digest": await clw(["sign", "xyz", "--json"], { env: a.env }),
      "revoked key": await clw(["keys", "--json"], { env: { ...a.env, CLW_AGENT_KEY: `clw_ak_${"A".repeat(43)}` } }),
    };
    for (const [name, run] of Object.entries(runs)) {
      expect(run.stdout.trim().split("\n"), name).toHaveLength(1);
      expect(() => JSON.parse(run.stdout), name).not.toThrow();
    }
    expect(JSON.parse(runs.sign.stdout)).toMatchObject({ identity_id: a.identity.id, digest });
    expect(JSON.parse(runs.address.stdout)).toEqual({ identity_id: a.identity.id, address: a.identity.address, public_key: a.identity.public_key });
    expect([runs["bad digest"].code, JSON.parse(runs["bad digest"].stdout).code]).toEqual([2, "usage"]);
    expect([runs["revoked key"].code, JSON.parse(runs["revoked key"].stdout).code]).toEqual([1, "unauthorized"]);

    const home = await agentHome();
    const login = await clw(["login", "--name", "json-agent", "--telegram-user-id", String(a.telegramUserId), "--api", stack().apiUrl, "--json"], { env: home.env });
    expect(JSON.parse(login.stdout)).toMatchObject({ api_url: stack().apiUrl, config: home.config, agent: { name: "json-agent" } });
  });

  it("pnpm clw --help works from the repository root", async () => {
    const out = await runCommand({ name: "clw-help", command: "pnpm", args: ["clw", "--help"], cwd: REPO_ROOT, env: process.env });
    for (const command of ["login", "keys", "address", "sign", "sign-psbt", "status", "mcp", "Exit codes"]) expect(out).toContain(command);
  });
});
