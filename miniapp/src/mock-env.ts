import { emitEvent, isTMA, mockTelegramEnv } from "@telegram-apps/sdk-react";

// Dev and test builds only (index.tsx imports this module behind `import.meta.env.DEV`):
// when the page is opened outside Telegram with Telegram's launch parameters in the URL hash
// (`#tgWebAppData=…&tgWebAppVersion=…&tgWebAppPlatform=…`), play the Telegram client's part so
// the app runs as it would inside Telegram. The init data itself is not touched: the API still
// checks its signature, so a mocked page only signs in with genuinely signed init data.

const LIGHT = {
  bg_color: "#ffffff",
  secondary_bg_color: "#efeff4",
  section_bg_color: "#ffffff",
  text_color: "#000000",
  hint_color: "#8e8e93",
  link_color: "#2481cc",
  button_color: "#2481cc",
  button_text_color: "#ffffff",
  destructive_text_color: "#e53935",
  header_bg_color: "#ffffff",
  bottom_bar_bg_color: "#ffffff",
  accent_text_color: "#2481cc",
  section_header_text_color: "#6d6d72",
  subtitle_text_color: "#8e8e93",
  section_separator_color: "#e7e7e7",
};

/** Mocks the Telegram client when the URL carries launch parameters but no Telegram is around. */
export function mockTelegramIfLaunched(): boolean {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const inTelegram = "TelegramWebviewProxy" in window || window.parent !== window;
  if (!hash.has("tgWebAppData") || inTelegram) return false;
  if (!hash.has("tgWebAppThemeParams")) hash.set("tgWebAppThemeParams", JSON.stringify(LIGHT));
  if (!hash.has("tgWebAppVersion")) hash.set("tgWebAppVersion", "8.0");
  if (!hash.has("tgWebAppPlatform")) hash.set("tgWebAppPlatform", "tdesktop");
  const theme = JSON.parse(hash.get("tgWebAppThemeParams")!) as Record<string, `#${string}`>;
  const noInsets = { top: 0, bottom: 0, left: 0, right: 0 };
  const seen: unknown[] = [];
  (window as unknown as { __tgEvents: unknown[] }).__tgEvents = seen;
  mockTelegramEnv({
    launchParams: hash,
    onEvent(event) {
      const [method] = event;
      if (method === "web_app_request_theme") emitEvent("theme_changed", { theme_params: theme });
      if (method === "web_app_request_viewport") {
        emitEvent("viewport_changed", { height: window.innerHeight, width: window.innerWidth, is_expanded: true, is_state_stable: true });
      }
      if (method === "web_app_request_safe_area") emitEvent("safe_area_changed", noInsets);
      if (method === "web_app_request_content_safe_area") emitEvent("content_safe_area_changed", noInsets);
      // Lets the e2e tests see what the app asked of Telegram (MainButton text, haptics, …).
      seen.push(event);
    },
  });
  return isTMA();
}
