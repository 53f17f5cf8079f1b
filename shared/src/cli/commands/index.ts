import type { Command } from "../command.js";
import { addressCommand, keysCommand } from "./keys.js";
import { loginCommand } from "./login.js";
import { mcpCommand } from "./mcp.js";
import { signCommand, signPsbtCommand } from "./sign.js";
import { statusCommand } from "./status.js";
import { whoamiCommand } from "./whoami.js";

/** Every `clw` command, in the order help lists them. */
export const COMMANDS: Command[] = [loginCommand, keysCommand, addressCommand, signCommand, signPsbtCommand, statusCommand, whoamiCommand, mcpCommand];
