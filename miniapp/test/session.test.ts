import { describe, expect, it } from "vitest";
import { clearSession, loadSession, saveSession, sessionForLaunch, toStoredSession } from "../src/session.js";

/** An in-memory Storage, as sessionStorage behaves within one tab. */
function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (key) => map.get(key) ?? null,
    key: (index) => [...map.keys()][index] ?? null,
    removeItem: (key) => void map.delete(key),
    setItem: (key, value) => void map.set(key, String(value)),
  };
}

const session = { token: "tok", expires_in: 3600, user: { id: "u1", telegram_user_id: "42", status: "active" as const, created_at: "2026-01-01T00:00:00.000Z" } };

describe("the tab's session", () => {
  it("round-trips until it expires, then is forgotten", () => {
    const storage = memoryStorage();
    const stored = toStoredSession(session, "browser", 1_000);
    expect(stored.expiresAt).toBe(1_000 + 3_600_000);
    saveSession(storage, stored);
    expect(loadSession(storage, 2_000)).toEqual(stored);
    expect(loadSession(storage, stored.expiresAt)).toBeNull();
    expect(storage.length).toBe(0);
  });

  it("forgets unreadable or incomplete entries instead of sending them", () => {
    const storage = memoryStorage();
    storage.setItem("clw.session", "{not json");
    expect(loadSession(storage)).toBeNull();
    expect(storage.length).toBe(0);
    storage.setItem("clw.session", JSON.stringify({ token: "t" }));
    expect(loadSession(storage)).toBeNull();
    expect(storage.length).toBe(0);
  });

  it("remembers the bot the browser sign-in went through, when known", () => {
    const storage = memoryStorage();
    saveSession(storage, toStoredSession(session, "browser", 1_000, "clw_test_bot"));
    expect(loadSession(storage, 2_000)?.bot).toBe("clw_test_bot");
    expect(toStoredSession(session, "browser", 1_000, null)).not.toHaveProperty("bot");
  });

  it("clears on sign-out", () => {
    const storage = memoryStorage();
    saveSession(storage, toStoredSession(session, "telegram"));
    clearSession(storage);
    expect(loadSession(storage)).toBeNull();
  });

  it("serves a Telegram launch only for the account that opened it", () => {
    const stored = toStoredSession(session, "telegram");
    // A reload of the same launch keeps the session: its init data signs in only once.
    expect(sessionForLaunch(stored, 42)).toBe(stored);
    expect(sessionForLaunch(stored, 43)).toBeNull();
    // In a browser there is no launch to match.
    expect(sessionForLaunch(stored, null)).toBe(stored);
    expect(sessionForLaunch(null, 42)).toBeNull();
  });
});
