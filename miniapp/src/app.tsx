import type { Session } from "@clw/shared";
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { createApi } from "./api.js";
import { Header, type Tab } from "./components/header.js";
import { Loading } from "./components/status.js";
import { useHost } from "./host.js";
import { ActivityPage } from "./pages/activity-page.js";
import { IdentitiesPage } from "./pages/identities-page.js";
import { IdentityPage } from "./pages/identity-page.js";
import { RequestsPage } from "./pages/requests-page.js";
import { SignInPage } from "./pages/sign-in-page.js";
import { initDataFacts } from "./init-data.js";
import type { Host } from "./init.js";
import { hashForRoute, initialRoute, requestIdFromHash, type Route } from "./routes.js";
import { clearSession, loadSession, saveSession, sessionForLaunch, toStoredSession, type StoredSession } from "./session.js";
import { SessionProvider } from "./session-context.js";
import { usePendingRequests } from "./use-pending-requests.js";

// Screens opened less often load on demand, keeping first-load JS small.
const RequestPage = lazy(() => import("./pages/request-page.js").then((m) => ({ default: m.RequestPage })));
const PolicyPage = lazy(() => import("./pages/policy-page.js").then((m) => ({ default: m.PolicyPage })));
const AccessPage = lazy(() => import("./pages/access-page.js").then((m) => ({ default: m.AccessPage })));

/** The tab's stored session, if it may serve this launch (inside Telegram: the same account). */
function launchSession(storage: Storage, host: Host): StoredSession | null {
  const stored = loadSession(storage);
  const fits = sessionForLaunch(stored, host.kind === "telegram" ? initDataFacts(host.initData).telegramUserId : null);
  if (stored && !fits) clearSession(storage);
  return fits;
}

/** The whole app: sign-in until there is a session, then keys, requests and activity. */
export function App({ storage }: { storage: Storage }) {
  const host = useHost();
  // A reload keeps the stored session: the launch's init data signs in only once.
  const [session, setSession] = useState<StoredSession | null>(() => launchSession(storage, host));
  const [notice, setNotice] = useState<string | null>(null);
  // A request link (`#/requests/<id>` or the Telegram start param) survives the sign-in.
  const [start] = useState<Route>(() => initialRoute(host, window.location.hash));

  const signedIn = useCallback(
    (fresh: Session, via: StoredSession["via"], bot?: string | null) => {
      const stored = toStoredSession(fresh, via, Date.now(), bot);
      saveSession(storage, stored);
      setNotice(null);
      setSession(stored);
    },
    [storage],
  );
  const signedOut = useCallback(
    (why: string | null) => {
      clearSession(storage);
      setNotice(why);
      setSession(null);
    },
    [storage],
  );

  if (!session) return <SignInPage notice={notice} onSignedIn={signedIn} />;
  return <SignedIn key={session.token} session={session} start={start} onSignedOut={signedOut} />;
}

function SignedIn({ session, start, onSignedOut }: { session: StoredSession; start: Route; onSignedOut: (why: string | null) => void }) {
  const api = useMemo(() => createApi(undefined, session.token), [session.token]);
  const [route, setRoute] = useState<Route>(start);
  const [signingOut, setSigningOut] = useState(false);
  const expire = useCallback(() => onSignedOut("Your session has ended. Sign in again to continue."), [onSignedOut]);
  useBrowserHash(route, setRoute);

  const signOut = async () => {
    setSigningOut(true);
    try {
      await api.logout();
      onSignedOut("You are signed out.");
    } catch {
      // The token is forgotten either way; say that the server may still know it.
      onSignedOut("Signed out on this device. The server could not be reached to end the session; it expires on its own within the hour.");
    }
  };

  const signedOutEverywhere = useCallback(() => onSignedOut("You are signed out everywhere: every session of your account has ended, this one included."), [onSignedOut]);

  return (
    <SessionProvider value={{ api, session, expire }}>
      <Screens route={route} setRoute={setRoute} onSignOut={signOut} signingOut={signingOut} onSignedOutEverywhere={signedOutEverywhere} />
    </SessionProvider>
  );
}

const TAB_OF: Partial<Record<Route["name"], Tab>> = { identities: "identities", requests: "requests", activity: "activity" };

function Screens({ route, setRoute, onSignOut, signingOut, onSignedOutEverywhere }: {
  route: Route;
  setRoute: (route: Route) => void;
  onSignOut: () => void;
  signingOut: boolean;
  onSignedOutEverywhere: () => void;
}) {
  const pending = usePendingRequests();
  const tab = TAB_OF[route.name] ?? null;
  const toRequests = useCallback(() => setRoute({ name: "requests" }), [setRoute]);
  const { refresh } = pending;
  useEffect(() => {
    if (route.name === "requests") refresh();
  }, [route.name, refresh]);
  const back =
    route.name === "identity" ? () => setRoute({ name: "identities" })
    : route.name === "policy" ? () => setRoute({ name: "identity", identity: route.identity })
    : route.name === "request" ? toRequests
    : route.name === "access" ? () => setRoute({ name: "identities" })
    : null;
  return (
    <>
      <Header
        tab={tab}
        onTab={(name) => setRoute({ name })}
        onBack={back}
        onAccess={route.name === "access" ? null : () => setRoute({ name: "access" })}
        onSignOut={onSignOut}
        signingOut={signingOut}
        pending={pending.status === "ready" ? pending.data.length : 0}
      />
      <Suspense fallback={<Loading label="Loading…" />}>
        {route.name === "identities" && <IdentitiesPage onOpen={(identity, fresh) => setRoute({ name: "identity", identity, fresh })} />}
        {route.name === "identity" && (
          <IdentityPage identity={route.identity} fresh={route.fresh} onPolicy={() => setRoute({ name: "policy", identity: route.identity })} onDestroyed={() => setRoute({ name: "identities" })} />
        )}
        {route.name === "policy" && <PolicyPage identity={route.identity} />}
        {route.name === "requests" && <RequestsPage pending={pending} onRetry={pending.refresh} onOpen={(id) => setRoute({ name: "request", id })} />}
        {route.name === "request" && <RequestPage key={route.id} id={route.id} onDone={toRequests} onChanged={pending.refresh} />}
        {route.name === "activity" && <ActivityPage />}
        {route.name === "access" && <AccessPage onSignedOutEverywhere={onSignedOutEverywhere} />}
      </Suspense>
    </>
  );
}

/**
 * In a browser the address bar names the open request (`#/requests/<id>`), and a pasted request
 * link opens it. Inside Telegram the hash belongs to Telegram's launch parameters: left alone.
 */
function useBrowserHash(route: Route, setRoute: (route: Route) => void): void {
  const host = useHost();
  const browser = host.kind === "browser";
  const wanted = hashForRoute(route);
  useEffect(() => {
    if (!browser || window.location.hash === wanted) return;
    const { pathname, search } = window.location;
    window.history.replaceState(null, "", `${pathname}${search}${wanted}`);
  }, [browser, wanted]);
  useEffect(() => {
    if (!browser) return;
    const onHash = () => {
      const id = requestIdFromHash(window.location.hash);
      if (id) setRoute({ name: "request", id });
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, [browser, setRoute]);
}
