import type { Session } from "@clw/shared";

const KEY = "clw.session";

/** What the tab remembers of a session: the token, who it belongs to and when it ends. */
export interface StoredSession {
  token: string;
  user: Session["user"];
  /** Epoch milliseconds after which the API will refuse the token. */
  expiresAt: number;
  /** How the session was obtained, to pick the right way back when it ends. */
  via: "telegram" | "browser";
  /** The bot's username, when sign-in named it (browser deep link): where to send the owner to decide. */
  bot?: string;
}

/** Turns a fresh API session into what the tab stores. */
export function toStoredSession(session: Session, via: StoredSession["via"], now = Date.now(), bot?: string | null): StoredSession {
  const stored: StoredSession = { token: session.token, user: session.user, expiresAt: now + session.expires_in * 1000, via };
  if (bot) stored.bot = bot;
  return stored;
}

/**
 * Reads the tab's session. Returns null when there is none, when it is unreadable, or when it has
 * expired (and then forgets it), so callers never send a token that cannot work.
 */
export function loadSession(storage: Storage, now = Date.now()): StoredSession | null {
  const raw = storage.getItem(KEY);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof value.token !== "string" || typeof value.expiresAt !== "number" || !value.user) throw new Error("malformed");
    if (value.expiresAt <= now) throw new Error("expired");
    return value as StoredSession;
  } catch {
    storage.removeItem(KEY);
    return null;
  }
}

/** Keeps the session for this tab only (sessionStorage: gone when the tab closes). */
export function saveSession(storage: Storage, session: StoredSession): void {
  storage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage): void {
  storage.removeItem(KEY);
}

/**
 * The stored session, if it may serve this launch: inside Telegram only when it belongs to the
 * Telegram user the launch's init data names (a reload keeps it, so the single-use init data is
 * not sent to sign in again; another account's launch signs in afresh). `telegramUserId` is null
 * in a browser, or when the init data names nobody.
 */
export function sessionForLaunch(stored: StoredSession | null, telegramUserId: number | null): StoredSession | null {
  if (!stored || telegramUserId === null) return stored;
  return stored.user.telegram_user_id === String(telegramUserId) ? stored : null;
}
