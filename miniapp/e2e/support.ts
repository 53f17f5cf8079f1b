import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sign } from "@telegram-apps/init-data-node";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { chromiumPath } from "./chromium.js";
import { startFakeTelegram, type FakeTelegram } from "../../worker/stack/fake-telegram.js";
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
 * `VITE_API_URL` set to that API, the app's origin allowed by CORS, and `appEnv` (other `VITE_*`
 * build settings, e.g. `VITE_BITCOIN_NETWORK`).
 */
export async function startApp(vars: Record<string, string> = {}, appEnv: Record<`VITE_${string}`, string> = {}): Promise<AppUnderTest> {
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
      env: { ...process.env, VITE_BITCOIN_NETWORK: "", VITE_BOT_USERNAME: "", ...appEnv, VITE_API_URL: stack.apiUrl, BROWSER: "none" },
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

/** Chromium (`CHROMIUM_PATH`, else Debian's), headless, with a fresh profile and no traffic of its own. */
export async function launchBrowser(viewport = { width: 390, height: 844 }): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const executablePath = chromiumPath();
  const profile = await mkdtemp(path.join(tmpdir(), "clw-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
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

/**
 * Init data as the Telegram client would hand it to the Mini App, signed with `token`: for a
 * launch from a `t.me/<bot>?startapp=<startParam>` link when `startParam` is given. Each launch
 * is distinct (its own `query_id`), as init data proves presence only once.
 */
export function signedInitData(telegramUserId: number, token: string, options: { authDate?: Date; startParam?: string } = {}): string {
  return sign(
    {
      query_id: `AAH${randomBytes(12).toString("base64url")}`,
      user: { id: telegramUserId, first_name: "Ada", username: "ada_l", language_code: "en" },
      chat_type: "private",
      chat_instance: "8428209589180549439",
      ...(options.startParam ? { start_param: options.startParam } : {}),
    },
    token,
    options.authDate ?? new Date(),
  );
}

/** The Mini App methods the page asked of (mocked) Telegram. */
export async function telegramCalls(page: Page): Promise<[string, any][]> {
  return page.evaluate(() => (window as unknown as { __tgEvents: [string, unknown][] }).__tgEvents);
}

/** Waits until the Mini App shows Telegram's MainButton with `text`. */
export const mainButtonShows = (page: Page, text: string) =>
  expect.poll(async () => (await telegramCalls(page)).some(([m, p]) => m === "web_app_setup_main_button" && p?.text === text && p?.is_visible)).toBe(true);

/** What Telegram's client does when the user taps a native button. */
export async function pressTelegramButton(page: Page, eventType: "main_button_pressed" | "back_button_pressed"): Promise<void> {
  await page.evaluate((type) => {
    window.dispatchEvent(new MessageEvent("message", { data: JSON.stringify({ eventType: type }), source: window.parent }));
  }, eventType);
}

/** The app and browser of a test file, and the current test's tab. */
export interface AppInBrowser {
  readonly app: AppUnderTest;
  readonly page: Page;
}

/**
 * Starts the app (`start`) and a browser once for the calling test file, gives every test a
 * fresh tab (its own sessionStorage, so nothing carries over), and stops everything afterwards.
 */
export function useAppInBrowser(start: () => Promise<AppUnderTest>, viewport?: { width: number; height: number }): AppInBrowser {
  let app: AppUnderTest | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    // The browser first: without one, the test file fails at once instead of after the stack starts.
    browser = await launchBrowser(viewport);
    app = await start();
  });
  beforeEach(async () => {
    page = await browser!.context.newPage();
  });
  afterEach(async () => {
    await page?.close();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  return {
    get app() {
      if (!app) throw new Error("the app is not running (beforeAll failed?)");
      return app;
    },
    get page() {
      if (!page) throw new Error("no tab is open (beforeEach failed?)");
      return page;
    },
  };
}

/** The bot an app's Worker is configured with, talking to a local fake Bot API. */
export interface TestBot {
  token: string;
  username: string;
  webhookSecret: string;
}

/**
 * `useAppInBrowser` for an app whose bot talks to a local fake Bot API (started first, closed
 * after the app), with any other Worker `vars` and build-time `appEnv`.
 */
export function useAppWithBot(bot: TestBot, vars: Record<string, string> = {}, appEnv: Record<`VITE_${string}`, string> = {}): AppInBrowser & { readonly telegram: FakeTelegram } {
  let telegram: FakeTelegram | undefined;
  const t = useAppInBrowser(async () => {
    telegram = await startFakeTelegram(bot.token);
    return startApp({ TELEGRAM_BOT_TOKEN: bot.token, TELEGRAM_BOT_USERNAME: bot.username, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_WEBHOOK_SECRET: bot.webhookSecret, ...vars }, appEnv);
  });
  afterAll(async () => {
    await telegram?.close();
  });
  return {
    get app() {
      return t.app;
    },
    get page() {
      return t.page;
    },
    get telegram() {
      if (!telegram) throw new Error("the fake Bot API is not running (beforeAll failed?)");
      return telegram;
    },
  };
}
