import { readFile } from "node:fs/promises";
import path from "node:path";
import type { PendingIntent } from "../../contract/index.js";
import { intArg } from "../args.js";
import { str, type Command, type CommandContext } from "../command.js";
import { CliError, EXIT, usageError } from "../errors.js";
import { connectAgent, digestArg, newIdempotencyKey, paymentArg, pickIdentity, signDigest, signPsbt, StillPending, type WaitOptions } from "../tools.js";

const waitOptions = {
  timeout: { type: "string", value: "SECONDS", help: "how long to wait for the owner's approval when the policy asks for it (default 600)" },
  "idempotency-key": { type: "string", value: "KEY", help: "the same key asks for the same request again: pick up a request still waiting for the owner after --timeout" },
} as const;

/** How the command waits: on stderr it says it waits, with the approval URL; a timeout says how to pick it up again. */
function waiting(ctx: CommandContext): WaitOptions {
  const timeoutSeconds = intArg(str(ctx.values.timeout), "--timeout", 0, 86_400) ?? 600;
  const key = str(ctx.values["idempotency-key"]) ?? newIdempotencyKey();
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw usageError("--idempotency-key must be 1-255 printable characters without spaces");
  const onPending = (intent: PendingIntent) =>
    ctx.io.stderr(`waiting for the owner's approval in Telegram… ${intent.approval_url}\n(request ${intent.id}; up to ${timeoutSeconds} s, Ctrl-C stops waiting)\n`);
  return { timeoutSeconds, idempotencyKey: key, onPending };
}

/** A still-pending request, with how to carry on waiting for it. */
function resumable(error: unknown, retry: string): never {
  if (!(error instanceof StillPending)) throw error;
  const { request, idempotencyKey } = error;
  const details = { request_id: request.id, approval_url: request.approval_url, expires_at: request.expires_at, idempotency_key: idempotencyKey };
  throw new CliError(error.exitCode, `${error.message}\nto keep waiting: ${retry} --idempotency-key ${idempotencyKey}\nto look: clw status ${request.id}`, error.code, details);
}

export const signCommand: Command = {
  name: "sign",
  summary: "sign a 32-byte digest (BIP-340 Schnorr), waiting for the owner if the policy asks",
  usage: "sign DIGEST [--identity ID] [--payment-sats N --destination ADDR [--memo TEXT]] [--timeout SECONDS] [--idempotency-key KEY]",
  description: [
    "Asks to sign DIGEST (64 hex characters, optionally 0x-prefixed) with the identity and prints the 64-byte BIP-340 signature (128 hex) on stdout. It verifies against the identity's x-only key (its public key without the 02/03 prefix).",
    "When the identity's policy wants the owner, clw prints \"waiting for the owner's approval in Telegram…\" and the approval URL on stderr and waits (up to --timeout) until they decide. Denied, expired or out of time: exit 3; the request stays with the owner until it expires, and the same command with the --idempotency-key it prints picks it up.",
    "A raw digest's content cannot be checked: --payment-sats and --destination declare what it pays, which the owner sees as your claim.",
  ].join("\n\n"),
  options: {
    identity: { type: "string", value: "ID", help: "the identity to sign with (default: the only one this key may use)" },
    "payment-sats": { type: "string", value: "N", help: "the amount this digest pays, in sats (with --destination)" },
    destination: { type: "string", value: "ADDR", help: "the Bitcoin address it pays (with --payment-sats)" },
    memo: { type: "string", value: "TEXT", help: "a note for the owner about the payment" },
    ...waitOptions,
  },
  positionals: { min: 1, max: 1 },
  examples: ["clw sign 0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "SIG=$(clw sign $DIGEST --identity $ID --timeout 120)"],
  async run(ctx) {
    const { io, api, positionals, values } = ctx;
    const digest = digestArg(positionals[0]!);
    const sats = str(values["payment-sats"]);
    const destination = str(values.destination);
    if ((sats === undefined) !== (destination === undefined)) throw usageError("--payment-sats and --destination go together");
    if (values.memo !== undefined && sats === undefined) throw usageError("--memo describes a payment: give --payment-sats and --destination too");
    const payment = sats === undefined ? undefined : paymentArg({ amount_sats: intArg(sats, "--payment-sats", 1, Number.MAX_SAFE_INTEGER), destination, ...(values.memo !== undefined ? { memo: values.memo } : {}) });
    const wait = waiting(ctx);
    const agent = await connectAgent(io, api);
    const identityId = await pickIdentity(agent, str(values.identity), "--identity");
    const signed = await signDigest(agent, identityId, digest, payment, wait).catch((error: unknown) => resumable(error, `clw sign ${digest} --identity ${identityId}${payment ? " (with the same payment flags)" : ""}`));
    return { json: signed, text: `${signed.signature}\n` };
  },
};

const PSBT_MAGIC = [0x70, 0x73, 0x62, 0x74, 0xff];

/** The PSBT in a file or on stdin (`-`): base64 text, or the binary format (sent as base64). */
async function readPsbt(ctx: CommandContext, source: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = source === "-" ? Buffer.from(await ctx.io.readStdin()) : await readFile(path.resolve(ctx.io.cwd, source));
  } catch (error) {
    throw new CliError(EXIT.failed, `cannot read the PSBT from ${source}: ${(error as Error).message}`);
  }
  if (PSBT_MAGIC.every((byte, i) => bytes[i] === byte)) return bytes.toString("base64");
  const text = bytes.toString("utf8").replace(/\s+/g, "");
  if (text === "") throw usageError(`${source === "-" ? "stdin" : source} holds no PSBT`);
  return text;
}

export const signPsbtCommand: Command = {
  name: "sign-psbt",
  summary: "sign this identity's inputs of a PSBT, waiting for the owner if the policy asks",
  usage: "sign-psbt FILE|- [--identity ID] [--finalize] [--timeout SECONDS] [--idempotency-key KEY]",
  description: [
    "Reads a PSBT (base64, or the binary format) from FILE or stdin (-). The API decodes it, checks what it really pays against the identity's policy and signs the inputs this identity's key can spend (Taproot key path, BIP-86).",
    "Prints the signed PSBT (base64) on stdout; with --finalize and every input complete, a second line holds the raw transaction (tx_hex), ready to broadcast. Waiting for the owner works as in clw sign.",
  ].join("\n\n"),
  options: {
    identity: { type: "string", value: "ID", help: "the identity to sign with (default: the only one this key may use)" },
    finalize: { type: "boolean", help: "finalise the inputs and print the raw transaction when all are signed" },
    ...waitOptions,
  },
  positionals: { min: 1, max: 1 },
  examples: ["clw sign-psbt unsigned.psbt --finalize", "cat unsigned.psbt | clw sign-psbt - --json"],
  async run(ctx) {
    const { io, api, positionals, values } = ctx;
    const psbt = await readPsbt(ctx, positionals[0]!);
    const wait = waiting(ctx);
    const agent = await connectAgent(io, api);
    const identityId = await pickIdentity(agent, str(values.identity), "--identity");
    const finalize = values.finalize === true;
    const signed = await signPsbt(agent, identityId, psbt, finalize, wait).catch((error: unknown) => resumable(error, `clw sign-psbt ${positionals[0]} --identity ${identityId}${finalize ? " --finalize" : ""}`));
    io.stderr(`signed input${signed.signed_inputs.length === 1 ? "" : "s"} ${signed.signed_inputs.join(", ") || "(none)"}${signed.tx_hex ? "; complete: the second line is the raw transaction" : ""}\n`);
    return { json: signed, text: `${signed.psbt}\n${signed.tx_hex ? `${signed.tx_hex}\n` : ""}` };
  },
};
