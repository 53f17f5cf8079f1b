import { ClwApiError, type IntentState } from "@clw/shared";
import { useCallback, useEffect, useState } from "react";
import { useGuarded, useSession } from "./session-context.js";

export type RequestView =
  | { kind: "loading" }
  /** Unknown, or another account's. */
  | { kind: "missing" }
  /** Expired before the page could show it (410). */
  | { kind: "expired" }
  | { kind: "error"; error: unknown }
  | { kind: "ready"; intent: IntentState; publicKeys: ReadonlyMap<string, string> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One request, kept current: loads it (with the owner's keys, to name the key), then while it is
 * pending long-polls `GET /v1/sign-intents/:id?wait=25` so a decision made elsewhere (the chat)
 * or its expiry shows up on its own. `update` applies an answer the page got itself.
 */
export function useRequest(id: string) {
  const { api, expire } = useSession();
  const guarded = useGuarded();
  const [view, setView] = useState<RequestView>({ kind: "loading" });
  const [round, setRound] = useState(0);

  useEffect(() => {
    let current = true;
    setView({ kind: "loading" });
    Promise.all([guarded(() => api.getSignIntent(id, 0)), api.listIdentities().catch(() => [])]).then(
      ([intent, identities]) => current && setView({ kind: "ready", intent, publicKeys: new Map(identities.map((i) => [i.id, i.public_key])) }),
      (error: unknown) => current && setView(failedView(error)),
    );
    return () => {
      current = false;
    };
  }, [api, guarded, id, round]);

  const waiting = view.kind === "ready" && view.intent.status === "pending_approval";
  useEffect(() => {
    if (!waiting) return;
    let current = true;
    void (async () => {
      for (let failures = 0; current; ) {
        try {
          const next = await api.getSignIntent(id, 25);
          failures = 0;
          if (current && next.status !== "pending_approval") update(next);
          if (next.status !== "pending_approval") return;
        } catch (error) {
          if (!current) return;
          if (error instanceof ClwApiError && error.status === 401) return expire();
          if (error instanceof ClwApiError && (error.status === 404 || error.status === 410)) return setView((v) => lapsed(v, error));
          failures += 1;
          await sleep(Math.min(30_000, 2000 * failures));
        }
      }
    })();
    return () => {
      current = false;
    };
    // `update` only wraps setView.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, expire, id, waiting]);

  const update = useCallback((intent: IntentState) => setView((v) => (v.kind === "ready" ? { ...v, intent } : { kind: "ready", intent, publicKeys: new Map() })), []);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { view, update, reload };
}

function failedView(error: unknown): RequestView {
  if (error instanceof ClwApiError && error.status === 404) return { kind: "missing" };
  if (error instanceof ClwApiError && error.status === 410) return { kind: "expired" };
  return { kind: "error", error };
}

/** The request went away while shown: keep its details on screen, marked expired. */
function lapsed(view: RequestView, error: ClwApiError): RequestView {
  if (error.status === 410 && view.kind === "ready") return { ...view, intent: { ...view.intent, status: "expired" } };
  return failedView(error);
}
