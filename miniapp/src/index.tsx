import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import { initHost, type Host } from "./init.js";
import { HostProvider } from "./host.js";
import "./styles.css";

/** Boots the Mini App: detect Telegram (mocked only in dev/test builds), then render. */
async function boot(): Promise<void> {
  if (import.meta.env.DEV) {
    const { mockTelegramIfLaunched } = await import("./mock-env.js");
    mockTelegramIfLaunched();
  }
  let host: Host;
  try {
    host = initHost();
  } catch (error) {
    console.error("Telegram environment unusable; running as a web page", error);
    host = { kind: "browser" };
  }
  document.documentElement.dataset.host = host.kind;
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <HostProvider value={host}>
        <App storage={window.sessionStorage} />
      </HostProvider>
    </StrictMode>,
  );
}

void boot();
