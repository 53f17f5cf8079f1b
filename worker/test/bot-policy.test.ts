import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshTelegramId } from "./helpers.js";
import { callbackUpdate, converse, saidIn, textUpdate } from "./telegram.js";

const said = saidIn;

async function policyOf(telegramUserId: number) {
  return env.DB.prepare(
    "SELECT p.require_approval, p.daily_limit_sats, p.auto_approve_max_sats, p.allowed_destinations FROM identity_policies p JOIN identities i ON i.id = p.identity_id JOIN users u ON u.id = i.user_id WHERE u.telegram_user_id = ?",
  ).bind(telegramUserId).first<{ require_approval: number; daily_limit_sats: number | null; auto_approve_max_sats: number | null; allowed_destinations: string | null }>();
}

describe("/policy in chat", () => {
  it("a new key comes with the offer to require approval, one tap away", async () => {
    const user = freshTelegramId();
    const created = await converse(user, textUpdate(user, "/new"));
    const offer = created.flatMap((c) => c.payload.reply_markup?.inline_keyboard?.flat() ?? []).find((b: { callback_data?: string }) => b.callback_data?.startsWith("policy:approval:on:"));
    expect(offer).toBeTruthy();
    const answered = await converse(user, callbackUpdate(user, offer.callback_data));
    expect(said(answered)[0]).toContain("every request needs you");
    expect((await policyOf(user))?.require_approval).toBe(1);
  });

  it("shows each key's policy and sets limits and the allowlist with a clear answer for bad values", async () => {
    const user = freshTelegramId();
    await converse(user, textUpdate(user, "/new"));
    const shown = await converse(user, textUpdate(user, "/policy"));
    expect(said(shown)[0]).toContain("Approval: not needed");
    const prefix = /Policy of key (?:<code>)?([0-9a-f]{8})/.exec(said(shown)[0]!)![1]!;
    const set = await converse(
      user,
      textUpdate(user, `/policy ${prefix} daily 50000`),
      textUpdate(user, `/policy ${prefix} auto 1000`),
      textUpdate(user, `/policy ${prefix} allow bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4`),
      textUpdate(user, `/policy ${prefix} daily lots`),
      textUpdate(user, `/policy ${prefix} allow bc1notanaddress`),
      textUpdate(user, `/policy ffffffff daily 1`),
    );
    expect(said(set)[2]).toContain("Daily limit: 50,000 sats");
    expect(said(set)[3]).toContain("amount in sats");
    expect(said(set)[4]).toContain("valid Bitcoin address");
    expect(said(set)[5]).toContain("No key of yours");
    expect(await policyOf(user)).toEqual({ require_approval: 0, daily_limit_sats: 50_000, auto_approve_max_sats: 1000, allowed_destinations: '["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"]' });
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_events a JOIN users u ON u.id = a.user_id WHERE u.telegram_user_id = ? AND a.action = 'policy.update' AND a.source = 'telegram'").bind(user).first<{ n: number }>();
    expect(audit!.n).toBe(3);
  });

  it("another user's toggle press changes nothing", async () => {
    const owner = freshTelegramId();
    const intruder = freshTelegramId();
    await converse(owner, textUpdate(owner, "/new"));
    const identity = await env.DB.prepare("SELECT i.id FROM identities i JOIN users u ON u.id = i.user_id WHERE u.telegram_user_id = ?").bind(owner).first<{ id: string }>();
    const pressed = await converse(owner, callbackUpdate(intruder, `policy:approval:on:${identity!.id}`, owner));
    expect(JSON.stringify(pressed)).toContain("not one of yours");
    expect(await policyOf(owner)).toBeNull();
  });
});
