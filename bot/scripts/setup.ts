/**
 * `pnpm telegram:setup`: points Telegram at the Worker's webhook (with its secret token), sets
 * the command list and the chat menu button that opens the Mini App, then prints the webhook info.
 *
 * Environment: TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (required), WEBHOOK_URL (default
 * https://api.clw.cash/telegram-webhook), MINIAPP_URL (default https://pay.clw.cash),
 * TELEGRAM_API_ROOT (default https://api.telegram.org). `--dry-run` prints the calls instead.
 */
import { Api } from "grammy";
import { COMMANDS } from "../src/texts.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const dryRun = process.argv.includes("--dry-run");
  const token = required("TELEGRAM_BOT_TOKEN");
  const secret = required("TELEGRAM_WEBHOOK_SECRET");
  if (!/^[A-Za-z0-9_-]{16,256}$/.test(secret)) {
    console.error("TELEGRAM_WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -");
    process.exit(2);
  }
  const webhookUrl = process.env.WEBHOOK_URL ?? "https://api.clw.cash/telegram-webhook";
  const miniAppUrl = process.env.MINIAPP_URL ?? "https://pay.clw.cash";
  const apiRoot = process.env.TELEGRAM_API_ROOT ?? "https://api.telegram.org";

  const calls: [string, Record<string, unknown>][] = [
    ["setWebhook", { url: webhookUrl, secret_token: secret, allowed_updates: ["message", "edited_message", "callback_query"] }],
    ["setMyCommands", { commands: COMMANDS }],
    ["setChatMenuButton", { menu_button: { type: "web_app", text: "Open clw.cash", web_app: { url: miniAppUrl } } }],
  ];
  if (dryRun) {
    for (const [method, payload] of calls) console.log(method, JSON.stringify({ ...payload, secret_token: payload.secret_token ? "***" : undefined }));
    return;
  }
  const api = new Api(token, { apiRoot });
  for (const [method, payload] of calls) {
    await api.raw[method as "setWebhook"](payload as never);
    console.log(`${method}: ok`);
  }
  const info = await api.getWebhookInfo();
  console.log(`webhook: ${info.url || webhookUrl} (pending updates: ${info.pending_update_count})`);
}

main().catch((error: unknown) => {
  console.error(`telegram:setup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
