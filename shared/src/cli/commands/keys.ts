import type { Command } from "../command.js";
import { CliError, EXIT } from "../errors.js";
import { connectAgent, findKey, listKeys } from "../tools.js";

export const keysCommand: Command = {
  name: "keys",
  summary: "list the identities this agent key may use: id, public key, address",
  usage: "keys",
  description: "Lists the identities in this agent key's scope (it needs the \"read\" permission), newest first: the id, the 33-byte compressed public key (BIP-340 signatures verify against it without its 02/03 prefix) and the BIP-86 Taproot address on the API's network.",
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ io, api }) {
    const keys = await listKeys(await connectAgent(io, api));
    const rows = [["ID", "PUBLIC KEY", "ADDRESS"], ...keys.map((k) => [k.id, k.public_key, k.address ?? "-"])];
    const width = (column: number) => Math.max(...rows.map((row) => row[column]!.length));
    const text = keys.length === 0 ? "no identities: the owner creates one in Telegram (/new)\n" : rows.map((row) => `${row[0]!.padEnd(width(0))}  ${row[1]!.padEnd(width(1))}  ${row[2]}`).join("\n") + "\n";
    return { json: { items: keys }, text };
  },
};

export const addressCommand: Command = {
  name: "address",
  summary: "print an identity's Taproot address (the only one's when there is one)",
  usage: "address [IDENTITY]",
  description: "Prints the BIP-86 Taproot address of IDENTITY on the API's network (bc1p… on mainnet, tb1p… on testnet and signet): coins sent there, that key can spend. Without IDENTITY, the only identity this agent key may use.",
  options: {},
  positionals: { min: 0, max: 1 },
  async run({ io, api, positionals }) {
    const key = await findKey(await connectAgent(io, api), positionals[0], "IDENTITY");
    if (!key.address) throw new CliError(EXIT.failed, "the API did not say this identity's address", "no_address");
    return { json: { identity_id: key.id, address: key.address, public_key: key.public_key }, text: `${key.address}\n` };
  },
};
