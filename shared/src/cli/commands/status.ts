import { formatSats } from "../../amounts.js";
import type { IntentState } from "../../contract/index.js";
import { intArg } from "../args.js";
import { str, type Command } from "../command.js";
import { connectAgent, requestStatus } from "../tools.js";

/** A request in words, one `label  value` line each. */
export function describeRequest(state: IntentState): string {
  const lines: [string, string][] = [
    ["request", state.id],
    ["status", state.status],
    ["identity", state.identity_id],
    ["kind", state.kind === "psbt" ? "PSBT" : "raw digest"],
    ["digest hash", state.digest_hash],
  ];
  if (state.payment) lines.push(["payment", `${formatSats(state.payment.amount_sats)} to ${state.payment.destination}${state.payment.memo ? ` (“${state.payment.memo}”)` : ""}, as declared by the requester`]);
  if (state.transaction) {
    const tx = state.transaction;
    lines.push(["transaction", `${tx.txid} on ${tx.network}: spends ${formatSats(tx.spend_sats)}, fee ${formatSats(tx.fee_sats)}`]);
    for (const out of tx.outputs) lines.push([`  output ${out.index}`, `${formatSats(out.amount_sats)} to ${out.address ?? `script ${out.script ?? "?"}`}${out.mine ? " (change)" : ""}`]);
  }
  if (state.requested_by) lines.push(["asked by", state.requested_by]);
  lines.push(["created", state.created_at], ["expires", state.expires_at]);
  if (state.decided_via) lines.push(["decided via", state.decided_via]);
  if (state.ticket) lines.push(["ticket", `issued, usable until ${state.ticket_expires_at ?? "?"}`]);
  const width = Math.max(...lines.map(([label]) => label.length));
  return lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n") + "\n";
}

export const statusCommand: Command = {
  name: "status",
  summary: "where one of your signing requests stands",
  usage: "status REQUEST_ID [--wait SECONDS]",
  description:
    "Shows a request this agent key made (the id clw sign prints while it waits for the owner): pending_approval, approved, denied, expired or used, what it signs, who decided and how. With --wait, holds on up to that many seconds (at most 25) for the owner's decision. Needs the \"sign\" permission.",
  options: { wait: { type: "string", value: "SECONDS", help: "wait up to this long (0-25) while it is pending (default 0)" } },
  positionals: { min: 1, max: 1 },
  async run({ io, api, positionals, values }) {
    const wait = intArg(str(values.wait), "--wait", 0, 25) ?? 0;
    const state = await requestStatus(await connectAgent(io, api), positionals[0]!, wait, "REQUEST_ID");
    return { json: state, text: describeRequest(state) };
  },
};
