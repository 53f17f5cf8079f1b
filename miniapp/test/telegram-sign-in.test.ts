import { ClwApiError, type Session } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { signInOnce, telegramSignInFailure } from "../src/telegram-sign-in.js";

const session: Session = { token: "tok", expires_in: 3600, user: { id: "u1", telegram_user_id: "42", status: "active", created_at: "2026-01-01T00:00:00.000Z" } };

describe("signing in with the launch's init data", () => {
  it("sends it once while an answer is awaited (React mounts twice in development)", async () => {
    let sent = 0;
    const signIn = async () => (sent++, session);
    const [first, second] = [signInOnce("data-1", signIn), signInOnce("data-1", signIn)];
    expect(await first).toBe(session);
    expect(await second).toBe(session);
    expect(sent).toBe(1);
  });

  it("forgets a settled attempt, so asking again (after a network failure) sends it again", async () => {
    let sent = 0;
    await expect(signInOnce("data-2", async () => Promise.reject(new TypeError(`offline ${++sent}`)))).rejects.toThrow("offline 1");
    await expect(signInOnce("data-2", async () => (sent++, session))).resolves.toBe(session);
    expect(sent).toBe(2);
  });

  it("says a used or refused proof cannot work again, and lets a network failure be retried", () => {
    expect(telegramSignInFailure(new ClwApiError(401, "init_data_used", "this Telegram proof was already used"))).toMatchObject({ retry: false, message: /open it again from the bot/ });
    expect(telegramSignInFailure(new ClwApiError(401, "unauthorized", "the Telegram init data is not valid for this bot"))).toMatchObject({
      retry: false,
      title: "Telegram sign-in was refused",
      message: /^The Telegram init data is not valid for this bot\. Close the Mini App/,
    });
    expect(telegramSignInFailure(new TypeError("Failed to fetch"))).toMatchObject({ retry: true, message: /Can't reach/ });
  });
});
