import type { Identity, Session } from "@clw/shared";
import { useCallback, useMemo, useState } from "react";
import { createApi } from "./api.js";
import { Header, type Tab } from "./components/header.js";
import { ActivityPage } from "./pages/activity-page.js";
import { IdentitiesPage } from "./pages/identities-page.js";
import { IdentityPage } from "./pages/identity-page.js";
import { SignInPage } from "./pages/sign-in-page.js";
import { clearSession, loadSession, saveSession, toStoredSession, type StoredSession } from "./session.js";
import { SessionProvider } from "./session-context.js";

type Route = { name: "identities" } | { name: "identity"; identity: Identity } | { name: "activity" };

/** The whole app: sign-in until there is a session, then keys and activity. */
export function App({ storage }: { storage: Storage }) {
  const [session, setSession] = useState<StoredSession | null>(() => loadSession(storage));
  const [notice, setNotice] = useState<string | null>(null);

  const signedIn = useCallback(
    (fresh: Session, via: StoredSession["via"]) => {
      const stored = toStoredSession(fresh, via);
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
  return <SignedIn key={session.token} session={session} onSignedOut={signedOut} />;
}

function SignedIn({ session, onSignedOut }: { session: StoredSession; onSignedOut: (why: string | null) => void }) {
  const api = useMemo(() => createApi(undefined, session.token), [session.token]);
  const [route, setRoute] = useState<Route>({ name: "identities" });
  const [signingOut, setSigningOut] = useState(false);
  const expire = useCallback(() => onSignedOut("Your session has ended. Sign in again to continue."), [onSignedOut]);

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

  const tab: Tab | null = route.name === "identity" ? null : route.name;
  const back = route.name === "identity" ? () => setRoute({ name: "identities" }) : null;
  return (
    <SessionProvider value={{ api, session, expire }}>
      <Header tab={tab} onTab={(name) => setRoute(name === "activity" ? { name: "activity" } : { name: "identities" })} onBack={back} onSignOut={signOut} signingOut={signingOut} />
      {route.name === "identities" && <IdentitiesPage onOpen={(identity) => setRoute({ name: "identity", identity })} />}
      {route.name === "identity" && <IdentityPage identity={route.identity} onDestroyed={() => setRoute({ name: "identities" })} />}
      {route.name === "activity" && <ActivityPage />}
    </SessionProvider>
  );
}
