import { describeEvent, describeSource, formatBtc, formatSats, type Agent, type AgentKeyIssued, type AgentPermission, type AuditEvent, type Identity, type Policy, type SessionInfo, type SignedPsbt, type TransactionSummary } from "@clw/shared";
import type { AgentRequestView, SignInProblem, SignInRequest } from "./deps.js";

/** Everything the bot says, in one place. HTML parse mode. */

/**
 * Telegram refuses a message over 4,096 characters and keyboards of many buttons: lists show at
 * most this many items (the newest), and say how many more the Mini App lists.
 */
export const MAX_LISTED = 20;
/** The items a list shows, and how many it leaves to the Mini App. */
export const firstListed = <T>(items: readonly T[], max = MAX_LISTED) => ({ shown: items.slice(0, max), more: Math.max(0, items.length - max) });
const moreInMiniApp = (more: number, what: string) => (more > 0 ? `\n…and ${more} more ${what}: the Mini App lists them all.` : "");

/** Text made safe for Telegram's HTML parse mode. */
export const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** "2026-11-28 22:10 UTC". */
export const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
export const shortId = (id: string) => id.slice(0, 8);
/** "<b>1,500 sats</b> (0.000015 BTC)". */
export const amount = (sats: number) => `<b>${formatSats(sats)}</b> (${formatBtc(sats)})`;

/** How many outputs one chat message lists (a line is at most about 150 characters). */
export const MAX_OUTPUTS_IN_MESSAGE = 20;

/**
 * The decoded transaction, output by output: what the owner approves is what is signed. With
 * `maxOutputs`, the outputs after it are summed up in one line instead of listed.
 */
export function transactionLines(tx: TransactionSummary, maxOutputs = Infinity): string[] {
  const outputLine = (o: TransactionSummary["outputs"][number]) => {
    const to = o.address === null ? `a script without an address (<code>${escape((o.script ?? "").slice(0, 40))}</code>)` : `<code>${escape(o.address)}</code>`;
    return `• ${amount(o.amount_sats)} → ${to}${o.mine ? " (change, back to this key)" : ""}`;
  };
  const listed = tx.outputs.slice(0, maxOutputs);
  const rest = tx.outputs.slice(listed.length);
  return [
    `Network: ${tx.network}`,
    `Outputs${rest.length > 0 ? ` (${tx.outputs.length})` : ""}:`,
    ...listed.map(outputLine),
    ...(rest.length > 0 ? [`• …and ${rest.length} more, ${amount(rest.reduce((sum, o) => sum + o.amount_sats, 0))} in all, not listed here`] : []),
    `Fee: ${formatSats(tx.fee_sats)} (about ${tx.fee_rate_sat_vb} sat/vB)`,
    `Leaving this key: ${amount(tx.spend_sats)}`,
    `Transaction id: <code>${tx.txid}</code>`,
  ];
}

/** Lines packed into as few messages as fit under Telegram's limit (4,096 characters). */
export function packLines(lines: readonly string[], limit = 3500): string[] {
  const messages: string[] = [];
  for (const line of lines) {
    const last = messages.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= limit) messages[messages.length - 1] = `${last}\n${line}`;
    else messages.push(line);
  }
  return messages;
}
const shortKey = (publicKey: string) => `${publicKey.slice(0, 10)}…${publicKey.slice(-6)}`;

export const COMMANDS = [
  { command: "identities", description: "Your keys" },
  { command: "new", description: "Create a key" },
  { command: "sign", description: "Sign a digest or a transaction (PSBT)" },
  { command: "destroy", description: "Destroy a key" },
  { command: "audit", description: "Recent activity" },
  { command: "policy", description: "Payment approval and limits" },
  { command: "sessions", description: "Where you are signed in" },
  { command: "agents", description: "Your agents' keys" },
  { command: "help", description: "What I can do" },
  { command: "cancel", description: "Stop what we are doing" },
] as const;

const commandList = COMMANDS.map((c) => `/${c.command} — ${c.description}`).join("\n");

export const welcome = () =>
  `<b>clw.cash</b> keeps signing keys for you and your AI agents inside a hardware enclave. The keys never leave it; every signature needs a single-use ticket.\n\n${commandList}`;

export const help = () => `Here is what I can do:\n\n${commandList}\n\nAgents sign through the REST API; you stay in control here.`;

export const signInPrompt = (request: SignInRequest) =>
  [
    "<b>Sign-in request</b>",
    request.clientLabel
      ? `The requester calls itself “${escape(request.clientLabel)}”. That is its own claim: clw.cash has not checked it.`
      : "The requester gave no name.",
    `Requested: ${when(request.createdAt)}`,
    `Code: <b>${request.confirmationCode}</b>`,
    "",
    "Approve only if you started this sign-in and the client shows the same code.",
  ].join("\n");

export const signInProblem: Record<SignInProblem, string> = {
  unknown: "This sign-in link is not valid. Start the sign-in again from the app.",
  expired: "This sign-in link has expired. Start the sign-in again from the app.",
  used: "This sign-in link was already used.",
  other_account: "This sign-in link was made for another Telegram account.",
};

export const signInApproved = (code: string) => `✅ Sign-in approved (code ${code}). You can return to the app.`;
export const signInDenied = (code: string) => `🚫 Sign-in denied (code ${code}). Nobody was signed in.`;
export const signInGone = "This sign-in request has expired or was already answered.";
export const notYourButton = "This button is not for you.";

export const noIdentities = "You have no keys yet. Create one with /new.";
const identityLine = (identity: Identity) =>
  `• <code>${shortId(identity.id)}</code> ${shortKey(identity.public_key)} (created ${identity.created_at.slice(0, 10)})`;
export const identityList = (identities: Identity[]) => {
  const { shown, more } = firstListed(identities);
  return `<b>Your keys</b>\n${shown.map(identityLine).join("\n")}${moreInMiniApp(more, "keys")}`;
};
/** A question over a key picker, which offers the newest keys only. */
export const pickQuestion = (question: string, identities: Identity[]) => `${question}${moreInMiniApp(firstListed(identities).more, "keys")}`;
export const identityCreated = (identity: Identity) =>
  `🔑 New key <code>${shortId(identity.id)}</code> created inside the enclave.\nPublic key:\n<code>${identity.public_key}</code>\n\nAgents can sign with it right away. Want to approve each payment yourself?`;

const sats = (value: number | null) => (value === null ? "no limit" : `${value.toLocaleString("en-US")} sats`);
const RAW_WORDS = { allow: "signed without asking", approval: "need your approval", deny: "refused" } as const;
/** The allowlist, its first ten addresses listed (fifty would not fit in one message). */
const destinationsText = (allowed: string[] | null) => {
  if (allowed === null) return "any";
  if (allowed.length === 0) return "none";
  const { shown, more } = firstListed(allowed, MAX_LISTED / 2);
  return `${shown.map((d) => `<code>${escape(d)}</code>`).join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
};
export const policyText = (identityId: string, policy: Policy) =>
  [
    `<b>Policy of key <code>${shortId(identityId)}</code></b>`,
    `Approval: ${policy.require_approval ? "every request needs you" : "not needed"}`,
    `Auto-approve transactions spending up to: ${policy.auto_approve_max_sats === null ? "none" : sats(policy.auto_approve_max_sats)}`,
    `Daily limit: ${sats(policy.daily_limit_sats)}`,
    `Fee cap: ${sats(policy.max_fee_sats)}`,
    `Destinations: ${destinationsText(policy.allowed_destinations)}`,
    `Raw digests: ${RAW_WORDS[policy.raw_digests]}`,
    ...(policy.allow_unsafe_sighash ? ["Unsafe sighash types (NONE, SINGLE, ANYONECANPAY): allowed"] : []),
    "",
    "Limits apply to what a transaction (PSBT) really does. A raw digest's content cannot be checked, so no limit can cap it: only its own rule above can.",
  ].join("\n");
export const policyUsage =
  "Use /policy <key> approval on|off, auto <sats|off>, daily <sats|off>, fee <sats|off>, allow <address|any>, raw allow|approval|deny.";
export const unknownKey = (prefix: string) => `No key of yours starts with ${escape(prefix.slice(0, 16))}. See /identities.`;

export const pickToSign = "Which key should sign?";
export const askDigest = (identityId: string) =>
  `Send what key <code>${shortId(identityId)}</code> should sign: a PSBT as base64 (I show you what it does first), or a 32-byte digest as 64 hex characters. /cancel to stop.`;
export const badDigest = (text: string) =>
  text.length > 200
    ? "That is far too long for a digest: send exactly 64 hex characters (32 bytes)."
    : `That is not a 32-byte digest (${text.replace(/^0x/i, "").length} characters): send exactly 64 hex characters, 0-9 and a-f.`;
export const confirmSign = (identityId: string, digest: string) =>
  `Sign this digest with key <code>${shortId(identityId)}</code>?\n<code>${digest}</code>`;
export const signed = (signature: string) => `✍️ BIP-340 signature:\n<code>${signature}</code>`;
/** The transaction to confirm, every output listed, in as many messages as it takes; the question is last. */
export const confirmPsbt = (identityId: string, tx: TransactionSummary): string[] =>
  packLines([...transactionLines(tx), `Sign this transaction with key <code>${shortId(identityId)}</code>?`]);
/** The signed PSBT (and the raw transaction when it is complete), in messages under Telegram's limit. */
export const signedPsbt = (signed: SignedPsbt): string[] => {
  const parts = [`✍️ Signed input${signed.signed_inputs.length === 1 ? "" : "s"} ${signed.signed_inputs.join(", ")}. The PSBT:`, ...chunks(signed.psbt)];
  if (signed.tx_hex) parts.push("Every input is complete. The transaction, ready to broadcast:", ...chunks(signed.tx_hex));
  return parts;
};
const chunks = (text: string, size = 3500) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => `<code>${text.slice(i * size, (i + 1) * size)}</code>`);
export const useButtons = "Tap one of the buttons above, or send /cancel.";
export const sendDigestText = "Send a PSBT (base64) or a digest (64 hex characters) as text, or /cancel.";
export const rateLimited = "Too many requests just now. Please wait a minute and try again.";
export const cancelled = "Cancelled. Nothing was signed or changed.";
export const nothingToCancel = "There is nothing to cancel.";
export const staleButton = "This button has expired. Start again with /sign.";

export const pickToDestroy = "Which key should be destroyed?";
export const destroyWarning = (identityId: string) =>
  `⚠️ <b>Destroy key <code>${shortId(identityId)}</code>?</b>\nThe private key is erased from the enclave and its backup is deleted. This cannot be undone: nothing signed by it can be signed again.`;
export const destroyed = (identityId: string) => `🗑 Key <code>${shortId(identityId)}</code> has been destroyed.`;
export const destroyKept = "Kept. Nothing was destroyed.";

export const noActivity = "No activity yet.";

export const noSessions = "You are not signed in anywhere else.";
const VIA_WORDS = { link: "signed in with a link you approved", miniapp: "the Mini App", test: "test mode" } as const;
const sessionLine = (s: SessionInfo) =>
  `• <code>${s.id}</code> ${VIA_WORDS[s.via]}${s.client_label ? `, which called itself “${escape(s.client_label)}”` : ""} (since ${when(s.created_at)}, until ${when(s.expires_at)})`;
export const sessionList = (sessions: SessionInfo[]) => {
  const { shown, more } = firstListed(sessions, MAX_LISTED / 2);
  return `<b>Where you are signed in</b>\n${shown.map(sessionLine).join("\n")}${moreInMiniApp(more, "sessions")}`;
};
export const sessionsRevoked = (count: number) => `🚪 Signed out everywhere: ${count} session${count === 1 ? "" : "s"} ended. Agents and apps must sign in again.`;

export const activity = (events: AuditEvent[]) =>
  `<b>Recent activity</b>\n${events
    .map((e) => `• ${when(e.created_at)} — ${escape(describeEvent(e))} (${describeSource(e.source)})`)
    .join("\n")}`;

export const onlyText = "I only understand text. Try /help.";
export const editsIgnored = "I do not act on edited messages: send it again as a new message.";
export const unknownCommand = "I do not know that command. Try /help.";
export const notUnderstood = "I did not understand that. Try /help.";
export const apology = "Sorry, something went wrong on our side. Please try again in a moment.";

const PERMISSION_WORDS: Record<AgentPermission, string> = { sign: "ask to sign (your policies still apply)", read: "see its keys, addresses and policies" };
const lifetime = (seconds: number | null) => (seconds === null ? "until you revoke it" : `for ${Math.round(seconds / 86400) >= 1 ? `${Math.round(seconds / 86400)} day(s)` : `${Math.max(1, Math.round(seconds / 3600))} hour(s)`}, or until you revoke it`);

export const agentRequestPrompt = (request: AgentRequestView) =>
  [
    "<b>An agent asks for a key</b>",
    `It calls itself “${escape(request.name)}” (its own claim).`,
    `Keys: ${request.identityIds === null ? "all of your keys" : request.identityIds.map((id) => `<code>${shortId(id)}</code>`).join(", ")}`,
    `It could: ${request.permissions.map((p) => PERMISSION_WORDS[p]).join("; ")}`,
    `Valid ${lifetime(request.expiresInSeconds)}.`,
    `Code: <b>${request.confirmationCode}</b>`,
    "",
    "It can never create or destroy keys, change a policy or approve anything. Approve only if you started this and the agent shows the same code.",
  ].join("\n");

export const agentRequestProblem: Record<SignInProblem, string> = {
  unknown: "This agent link is not valid. Ask the agent to start again.",
  expired: "This agent link has expired. Ask the agent to start again.",
  used: "This agent link was already used.",
  other_account: "This agent link was opened by another Telegram account.",
};
export const agentApproved = (code: string) => `✅ Agent approved (code ${code}). It can collect its key now, once. Revoke it any time with /agents.`;
export const agentDenied = (code: string) => `🚫 Agent denied (code ${code}). It gets no key.`;
export const agentNotYours = "Only keys you own can be given to an agent. Nothing was approved.";

export const noAgents = "No agent has a key. An agent asks for one with `clw login`, or create one here with /agents new <name>.";
const agentLine = (a: Agent) =>
  `• <b>${escape(a.name)}</b> <code>${a.id.slice(0, 8)}</code>: ${a.permissions.join(" + ")} on ${a.identity_ids === null ? "all keys" : `${a.identity_ids.length} key(s)`}, last used ${a.last_used_at ? when(a.last_used_at) : "never"}${a.revoked_at ? " — revoked" : a.expires_at && Date.parse(a.expires_at) <= Date.now() ? " — expired" : ""}`;
export const agentList = (agents: Agent[]) => {
  const { shown, more } = firstListed(agents, MAX_LISTED / 2);
  return `<b>Your agents' keys</b>\n${shown.map(agentLine).join("\n")}${moreInMiniApp(more, "agent keys")}`;
};
export const agentRevoked = (agent: Agent) => `🔒 Revoked the key of “${escape(agent.name)}”. Its next request is refused.`;
export const agentCreated = (issued: AgentKeyIssued) =>
  `🔑 New key for “${escape(issued.agent.name)}” (all your keys, sign + read). It is shown only this once: copy it into the agent (CLW_AGENT_KEY), then delete this message.\n<code>${issued.agent_key}</code>`;
export const agentUsage = "Use /agents to list your agents' keys, or /agents new <name> to make one.";
