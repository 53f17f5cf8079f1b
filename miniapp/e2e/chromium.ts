import { accessSync, constants } from "node:fs";

/** Where Debian's `chromium` package puts the browser. */
export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * The Chromium the end-to-end tests drive: `CHROMIUM_PATH` when set (and not empty), else
 * Debian's `/usr/bin/chromium`. Checked up front, so a missing browser is named at once instead
 * of surfacing as a launch failure deep inside playwright.
 * @throws Error naming the path, where it came from and how to get a browser.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const file = env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    const source = env.CHROMIUM_PATH ? "CHROMIUM_PATH" : "the default; set CHROMIUM_PATH to use another";
    throw new Error(
      `no Chromium to run at ${file} (${source}): install it (Debian: apt-get install -y chromium) ` +
        "or point CHROMIUM_PATH at a Chromium or Chrome binary",
    );
  }
}
