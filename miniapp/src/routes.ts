import type { Identity } from "@clw/shared";
import type { Host } from "./init.js";

/** Every screen of the signed-in app. */
export type Route =
  | { name: "identities" }
  /** `fresh`: just created here, so the page offers to turn approval on. */
  | { name: "identity"; identity: Identity; fresh?: boolean }
  | { name: "policy"; identity: Identity }
  | { name: "requests" }
  | { name: "request"; id: string }
  | { name: "activity" }
  /** Who can act for the owner (changes waiting for them, agent keys, sessions). */
  | { name: "access" };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUEST_HASH_RE = /^#\/requests\/([^/?&#]+)\/?$/;

/** The request id of an `approval_url` hash (`#/requests/<uuid>`), or null for any other hash. */
export function requestIdFromHash(hash: string): string | null {
  const id = REQUEST_HASH_RE.exec(hash)?.[1];
  return id && UUID_RE.test(id) ? id.toLowerCase() : null;
}

/** The request id of a Telegram start param (`t.me/<bot>?startapp=<uuid>`), or null. */
export function requestIdFromStartParam(startParam: string | undefined): string | null {
  return startParam && UUID_RE.test(startParam) ? startParam.toLowerCase() : null;
}

/**
 * Where the app opens: the request named by the Telegram start param inside Telegram, or by the
 * URL hash in a browser; otherwise the keys.
 */
export function initialRoute(host: Host, hash: string): Route {
  const id = host.kind === "telegram" ? (requestIdFromStartParam(host.startParam) ?? requestIdFromHash(hash)) : requestIdFromHash(hash);
  return id ? { name: "request", id } : { name: "identities" };
}

/** The hash a browser shows for a route, so a reload or a shared link lands on the same request. */
export function hashForRoute(route: Route): string {
  return route.name === "request" ? `#/requests/${route.id}` : "";
}

/** The bot's username from a sign-in deep link (`https://t.me/<bot>?start=…`), or null. */
export function botFromDeepLink(deepLink: string | null | undefined): string | null {
  const match = deepLink ? /^https:\/\/t\.me\/([A-Za-z0-9_]{5,32})(?:[?/]|$)/.exec(deepLink) : null;
  return match ? match[1]! : null;
}
