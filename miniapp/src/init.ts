import {
  backButton,
  init as initSdk,
  isTMA,
  mainButton,
  miniApp,
  retrieveLaunchParams,
  retrieveRawInitData,
  themeParams,
  viewport,
} from "@telegram-apps/sdk-react";

/**
 * What the app knows about its host: inside Telegram (its raw init data, and the start param of a
 * `t.me/<bot>?startapp=…` link) or a browser.
 */
export type Host = { kind: "telegram"; initData: string | undefined; startParam?: string } | { kind: "browser" };

/**
 * Detects Telegram and, when inside it, wires the native pieces: theme colours and viewport /
 * safe-area insets as CSS variables, BackButton, MainButton; then tells Telegram the app is ready.
 * In a plain browser it does nothing and the page styles itself.
 */
export function initHost(): Host {
  if (!isTMA()) return { kind: "browser" };
  initSdk();
  backButton.mount.ifAvailable();
  mainButton.mount.ifAvailable();
  themeParams.mountSync.ifAvailable();
  themeParams.bindCssVars.ifAvailable();
  miniApp.mountSync.ifAvailable();
  miniApp.bindCssVars.ifAvailable();
  if (viewport.mount.isAvailable()) {
    void viewport
      .mount()
      .then(() => {
        viewport.bindCssVars.ifAvailable();
        viewport.expand.ifAvailable();
      })
      .catch((error: unknown) => console.warn("viewport unavailable", error));
  }
  document.documentElement.dataset.host = "telegram";
  miniApp.ready.ifAvailable();
  let initData: string | undefined;
  try {
    initData = retrieveRawInitData();
  } catch {
    initData = undefined;
  }
  let startParam: string | undefined;
  try {
    startParam = retrieveLaunchParams().tgWebAppStartParam;
  } catch {
    startParam = undefined;
  }
  return { kind: "telegram", initData, startParam };
}
