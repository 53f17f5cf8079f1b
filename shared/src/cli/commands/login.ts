import type { AgentPermission, AgentSignInRequest } from "../../contract/index.js";
import { intArg, listArg, telegramUserArg } from "../args.js";
import { str, type Command } from "../command.js";
import { usageError } from "../errors.js";
import { login } from "../login.js";

const describeGrant = (agent: { identity_ids: string[] | null; permissions: string[]; expires_at: string | null }) =>
  `keys: ${agent.identity_ids === null ? "all of the owner's" : agent.identity_ids.join(", ")}; permissions: ${agent.permissions.join(", ")}; expires: ${agent.expires_at ?? "never (until revoked)"}`;

export const loginCommand: Command = {
  name: "login",
  summary: "ask your owner for an agent key in Telegram and save it",
  usage: "login --name NAME [--identity ID]... [--permissions sign,read] [--expires-in SECONDS] [--telegram-user-id ID]",
  description: [
    "Starts an agent sign-in: prints the deep link, a QR code of it and a confirmation code on stderr. Your owner opens the link in Telegram (or scans the code), checks the code and approves what you ask for. clw polls every 2 s until they approve, deny, or the request expires (5 minutes); Ctrl-C stops.",
    "The key is saved with what was granted in ~/.config/clw/agent.json (or CLW_CONFIG), mode 0600, in a directory made 0700. The key is never printed.",
  ].join("\n\n"),
  options: {
    name: { type: "string", value: "NAME", help: "how you are named to the owner and in the audit trail (required)" },
    identity: { type: "string", multiple: true, value: "ID", help: "an identity you ask for (repeat for more; default: all of the owner's)" },
    permissions: { type: "string", value: "LIST", help: "sign, read or both, comma-separated (default: sign,read)" },
    "expires-in": { type: "string", value: "SECONDS", help: "the key stops working after this long (60 to a year; default: until revoked)" },
    "telegram-user-id": { type: "string", value: "ID", help: "test mode only (an API without a bot): sign in as this owner at once" },
  },
  positionals: { min: 0, max: 0 },
  examples: ["clw login --name trading-bot --permissions sign,read --expires-in 86400"],
  async run({ io, values, api }) {
    const name = str(values.name);
    if (name === undefined) throw usageError("--name is required: how your owner will see you in Telegram");
    const identities = values.identity as string[] | undefined;
    const telegramUserId = telegramUserArg(str(values["telegram-user-id"]));
    const request: AgentSignInRequest = {
      name,
      ...(identities?.length ? { identity_ids: identities } : {}),
      ...(values.permissions !== undefined ? { permissions: listArg(str(values.permissions)) as AgentPermission[] } : {}),
      ...(values["expires-in"] !== undefined ? { expires_in: intArg(str(values["expires-in"]), "--expires-in", 0, Number.MAX_SAFE_INTEGER) } : {}),
      ...(telegramUserId !== undefined ? { telegram_user_id: telegramUserId } : {}),
    };
    const { saved, file } = await login(io, request, api);
    return {
      json: { api_url: saved.api_url, config: file, agent: saved.agent },
      text: `signed in as agent "${saved.agent.name}" (${saved.agent.id}) at ${saved.api_url}\n${describeGrant(saved.agent)}\nkey saved in ${file}\n`,
    };
  },
};
