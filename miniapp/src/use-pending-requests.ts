import type { IntentState } from "@clw/shared";
import { useCallback, useEffect, useRef, useState } from "react";
import { useGuarded, useSession } from "./session-context.js";
import type { AsyncState } from "./use-async.js";

const REFRESH_MS = 15_000;

/**
 * The requests waiting for the owner, for the tab's badge and the list. Loads once with a
 * loading state, then refreshes quietly every 15 s and on `refresh()`; a failed quiet refresh
 * keeps the last list.
 */
export function usePendingRequests(): AsyncState<IntentState[]> & { refresh: () => void } {
  const { api } = useSession();
  const guarded = useGuarded();
  const [state, setState] = useState<AsyncState<IntentState[]>>({ status: "loading" });
  const loaded = useRef(false);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    guarded(() => api.listSignIntents("pending_approval")).then(
      (items) => {
        if (!current) return;
        loaded.current = true;
        setState({ status: "ready", data: items });
      },
      (error: unknown) => current && !loaded.current && setState({ status: "error", error }),
    );
    const timer = setTimeout(() => setRound((n) => n + 1), REFRESH_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, guarded, round]);
  const refresh = useCallback(() => {
    if (!loaded.current) setState({ status: "loading" });
    setRound((n) => n + 1);
  }, []);
  return { ...state, refresh };
}
