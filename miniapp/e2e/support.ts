import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startLocalStack, type LocalStack } from "../../worker/stack/local-stack.js";
import { findFreePort, startProcess, waitForHttp, type ManagedProcess } from "../../worker/stack/processes.js";

const miniappDir = path.resolve(import.meta.dirname, "..");
export const artifactsDir = path.join(miniappDir, "test-artifacts");

/** The real API stack plus a Vite dev server of the app pointed at it, on free loopback ports. */
export interface AppUnderTest {
  stack: LocalStack;
  appUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the enclave + `wrangler dev` (with `vars`), then the app's Vite dev server with
 * `VITE_API_URL` set to that API and the app's origin allowed by CORS.
 */
export async function startApp(vars: Record<string, string> = {}): Promise<AppUnderTest> {
  const port = await findFreePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const stack = await startLocalStack({ vars: { ...vars, ALLOWED_ORIGINS: appUrl } });
  let vite: ManagedProcess | undefined;
  try {
    vite = await startProcess({
      name: "vite",
      command: process.execPath,
      args: [path.join(miniappDir, "node_modules/vite/bin/vite.js"), "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
      cwd: miniappDir,
      env: { ...process.env, VITE_API_URL: stack.apiUrl, BROWSER: "none" },
    });
    await waitForHttp(appUrl, 30_000, vite);
  } catch (error) {
    await Promise.all([vite?.stop(), stack.stop()]);
    throw error;
  }
  return {
    stack,
    appUrl,
    async stop() {
      await Promise.all([vite?.stop(), stack.stop()]);
    },
  };
}

/** Debian's Chromium, headless, with a fresh profile and no traffic of its own. */
export async function launchBrowser(viewport = { width: 390, height: 844 }): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = await mkdtemp(path.join(tmpdir(), "clw-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => console.error("[page error]", error));
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot to miniapp/test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

/**
 * A hash like Telegram's launch URL: `#tgWebAppData=…&tgWebAppVersion=…&…`; `startParam` as a
 * `t.me/<bot>?startapp=<param>` link passes it.
 */
export function telegramLaunchHash(initData: string, theme: Record<string, string>, startParam?: string): string {
  const params = new URLSearchParams({
    tgWebAppData: initData,
    tgWebAppVersion: "8.0",
    tgWebAppPlatform: "tdesktop",
    tgWebAppThemeParams: JSON.stringify(theme),
  });
  if (startParam) params.set("tgWebAppStartParam", startParam);
  return `#${params.toString()}`;
}

export const DARK_THEME = {
  bg_color: "#17212b",
  secondary_bg_color: "#0e1621",
  section_bg_color: "#17212b",
  header_bg_color: "#17212b",
  bottom_bar_bg_color: "#17212b",
  text_color: "#f5f5f5",
  hint_color: "#708499",
  link_color: "#6ab3f3",
  button_color: "#5288c1",
  button_text_color: "#ffffff",
  accent_text_color: "#6ab2f2",
  section_header_text_color: "#6ab3f3",
  subtitle_text_color: "#708499",
  destructive_text_color: "#ec3942",
  section_separator_color: "#0e1621",
};
