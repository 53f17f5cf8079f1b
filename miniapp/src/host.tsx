import { backButton, hapticFeedback, mainButton, miniApp } from "@telegram-apps/sdk-react";
import { createContext, useContext, useEffect, useRef } from "react";
import type { Host } from "./init.js";

const HostContext = createContext<Host>({ kind: "browser" });
export const HostProvider = HostContext.Provider;

/** Where the app runs: Telegram (native buttons, haptics) or a plain browser. */
export function useHost(): Host {
  return useContext(HostContext);
}

export const inTelegram = (host: Host) => host.kind === "telegram";

/** Shows Telegram's BackButton while `onBack` is set; in a browser the page draws its own. */
export function useBackButton(onBack: (() => void) | null): void {
  const host = useHost();
  const latest = useRef(onBack);
  latest.current = onBack;
  const visible = onBack !== null;
  useEffect(() => {
    if (!inTelegram(host) || !visible) return;
    backButton.show.ifAvailable();
    const off = backButton.onClick.ifAvailable(() => latest.current?.());
    return () => {
      if (off[0]) off[1]();
      backButton.hide.ifAvailable();
    };
  }, [host, visible]);
}

export interface PrimaryAction {
  text: string;
  onClick: () => void;
  busy?: boolean;
  disabled?: boolean;
}

/**
 * Drives Telegram's MainButton with the screen's primary action. Returns true when Telegram shows
 * it, so the page renders its own button only in a browser.
 */
export function useMainButton(action: PrimaryAction | null): boolean {
  const host = useHost();
  const latest = useRef(action);
  latest.current = action;
  const native = inTelegram(host) && mainButton.setParams.isAvailable();
  const text = action?.text;
  const busy = action?.busy ?? false;
  const enabled = !(action?.disabled ?? false);
  useEffect(() => {
    if (!native || text === undefined) return;
    mainButton.setParams.ifAvailable({ text, isVisible: true, isEnabled: enabled && !busy, isLoaderVisible: busy });
    const off = mainButton.onClick.ifAvailable(() => latest.current?.onClick());
    return () => {
      if (off[0]) off[1]();
      mainButton.setParams.ifAvailable({ isVisible: false, isLoaderVisible: false });
    };
  }, [native, text, busy, enabled]);
  return native && action !== null;
}

/** Haptic feedback inside Telegram; silently nothing elsewhere. */
export const haptic = {
  tap: () => void hapticFeedback.impactOccurred.ifAvailable("light"),
  success: () => void hapticFeedback.notificationOccurred.ifAvailable("success"),
  warning: () => void hapticFeedback.notificationOccurred.ifAvailable("warning"),
  error: () => void hapticFeedback.notificationOccurred.ifAvailable("error"),
};

/** Closes the Mini App, back to the chat (inside Telegram; nothing elsewhere). */
export const closeMiniApp = () => void miniApp.close.ifAvailable();
