import { ClwApiError, type ClwClient } from "@clw/shared";
import { createContext, useCallback, useContext } from "react";
import { isInitDataRefusal } from "./presence.js";
import type { StoredSession } from "./session.js";

export interface SessionContextValue {
  api: ClwClient;
  session: StoredSession;
  /** The API said the session is over: forget it and go back to sign-in. */
  expire: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);
export const SessionProvider = SessionContext.Provider;

/** The signed-in session; only used below `SessionProvider`. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside a signed-in screen");
  return value;
}

/**
 * Wraps an API call so that a 401 (session expired or revoked) sends the owner back to sign-in
 * instead of showing a dead screen. A refused Telegram proof (also a 401) is not the session
 * ending: it, and every other error, is rethrown for the page to handle.
 */
export function useGuarded() {
  const { expire } = useSession();
  return useCallback(
    async <T,>(work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof ClwApiError && error.status === 401 && !isInitDataRefusal(error)) expire();
        throw error;
      }
    },
    [expire],
  );
}
