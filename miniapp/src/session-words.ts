import type { SessionInfo } from "@clw/shared";

const VIA: Record<SessionInfo["via"], string> = {
  link: "Sign-in link, approved in Telegram",
  miniapp: "Telegram Mini App",
  test: "Test sign-in (no Telegram)",
};

/** How a session was opened, in words. */
export function sessionVia(via: SessionInfo["via"]): string {
  return VIA[via] ?? via;
}

/**
 * The name a requester gave itself when it asked to sign in, shown as its claim (anyone can say
 * they are "pay.clw.cash"), or null when it gave none.
 */
export function sessionLabelClaim(label: string | null): string | null {
  return label ? `Calls itself “${label}”` : null;
}

/** Current session first, then newest first. */
export function orderSessions(sessions: readonly SessionInfo[]): SessionInfo[] {
  return [...sessions].sort((a, b) => Number(b.current) - Number(a.current) || Date.parse(b.created_at) - Date.parse(a.created_at));
}

/** "in 42 min", "in 3 h", "now": how long until `iso`, for a session's end. */
export function describeUntil(iso: string, now = Date.now()): string {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  if (!Number.isFinite(minutes)) return "";
  if (minutes <= 0) return "now";
  if (minutes < 60) return `in ${minutes} min`;
  if (minutes < 48 * 60) return `in ${Math.round(minutes / 60)} h`;
  return `in ${Math.round(minutes / 1440)} days`;
}
