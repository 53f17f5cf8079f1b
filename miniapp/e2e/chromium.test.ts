import { describe, expect, it } from "vitest";
import { DEFAULT_CHROMIUM_PATH, chromiumPath } from "./chromium.js";

describe("the browser the end-to-end tests drive", () => {
  it("is CHROMIUM_PATH when set", () => {
    // Any executable stands in for a browser here: only the path is checked.
    expect(chromiumPath({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
  });

  it("is Debian's /usr/bin/chromium otherwise (an empty CHROMIUM_PATH counts as unset)", () => {
    expect(chromiumPath({})).toBe(DEFAULT_CHROMIUM_PATH);
    expect(chromiumPath({ CHROMIUM_PATH: "" })).toBe(DEFAULT_CHROMIUM_PATH);
  });

  it("names a missing browser, and how to get one", () => {
    expect(() => chromiumPath({ CHROMIUM_PATH: "/nowhere/chromium" })).toThrow(
      /no Chromium to run at \/nowhere\/chromium \(CHROMIUM_PATH\): install it \(Debian: apt-get install -y chromium\) or point CHROMIUM_PATH at/,
    );
  });
});
