import { inTelegram, useBackButton, useHost } from "../host.js";

export type Tab = "identities" | "requests" | "activity";

const TABS: readonly { name: Tab; label: string }[] = [
  { name: "identities", label: "Keys" },
  { name: "requests", label: "Requests" },
  { name: "activity", label: "Activity" },
];

/**
 * The top of every signed-in screen: the back action (Telegram's BackButton, or a link in a
 * browser), tabs (Requests with a badge while something waits for the owner), Access (who can
 * act for the owner) and sign-out.
 */
export function Header({ tab, onTab, onBack, onAccess, onSignOut, signingOut, pending = 0 }: {
  tab: Tab | null;
  onTab: (tab: Tab) => void;
  onBack: (() => void) | null;
  /** Opens the Access screen; null while it is open. */
  onAccess: (() => void) | null;
  onSignOut: () => void;
  signingOut: boolean;
  /** Requests waiting for the owner. */
  pending?: number;
}) {
  const host = useHost();
  useBackButton(onBack);
  return (
    <header className="header">
      <div className="header-row">
        {onBack && !inTelegram(host) ? (
          <button type="button" className="link-button" onClick={onBack}>
            ← Back
          </button>
        ) : (
          <span className="brand">clw.cash</span>
        )}
        <span className="header-actions">
          {onAccess && (
            <button type="button" className="link-button" onClick={onAccess} data-testid="open-access">
              Access
            </button>
          )}
          <button type="button" className="link-button" onClick={onSignOut} disabled={signingOut}>
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </span>
      </div>
      {tab && (
        <nav className="tabs" aria-label="Sections">
          {TABS.map(({ name, label }) => (
            <button key={name} type="button" className={`tab ${tab === name ? "tab-active" : ""}`} aria-current={tab === name ? "page" : undefined} onClick={() => onTab(name)}>
              {label}
              {name === "requests" && pending > 0 && (
                <span className="badge" data-testid="pending-count" aria-label={`${pending} waiting`}>
                  {pending}
                </span>
              )}
            </button>
          ))}
        </nav>
      )}
    </header>
  );
}
