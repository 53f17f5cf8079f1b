import { inTelegram, useBackButton, useHost } from "../host.js";

export type Tab = "identities" | "activity";

/**
 * The top of every signed-in screen: the back action (Telegram's BackButton, or a link in a
 * browser), tabs, and sign-out.
 */
export function Header({ tab, onTab, onBack, onSignOut, signingOut }: {
  tab: Tab | null;
  onTab: (tab: Tab) => void;
  onBack: (() => void) | null;
  onSignOut: () => void;
  signingOut: boolean;
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
        <button type="button" className="link-button" onClick={onSignOut} disabled={signingOut}>
          {signingOut ? "Signing out…" : "Sign out"}
        </button>
      </div>
      {tab && (
        <nav className="tabs" aria-label="Sections">
          {(["identities", "activity"] as const).map((name) => (
            <button key={name} type="button" className={`tab ${tab === name ? "tab-active" : ""}`} aria-current={tab === name ? "page" : undefined} onClick={() => onTab(name)}>
              {name === "identities" ? "Keys" : "Activity"}
            </button>
          ))}
        </nav>
      )}
    </header>
  );
}
