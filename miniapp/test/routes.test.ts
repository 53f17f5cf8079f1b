import { describe, expect, it } from "vitest";
import { botFromDeepLink, hashForRoute, initialRoute, requestIdFromHash, requestIdFromStartParam } from "../src/routes.js";

const ID = "0b6b9d0e-5c1f-4f5e-9a7e-2d1b3c4a5f60";

describe("request links", () => {
  it("reads the request id of an approval_url hash", () => {
    expect(requestIdFromHash(`#/requests/${ID}`)).toBe(ID);
    expect(requestIdFromHash(`#/requests/${ID.toUpperCase()}/`)).toBe(ID);
  });

  it("ignores other hashes, including Telegram's launch parameters", () => {
    expect(requestIdFromHash("")).toBeNull();
    expect(requestIdFromHash("#/requests/")).toBeNull();
    expect(requestIdFromHash("#/requests/not-a-uuid")).toBeNull();
    expect(requestIdFromHash(`#/requests/${ID}/extra`)).toBeNull();
    expect(requestIdFromHash(`#tgWebAppData=x&tgWebAppStartParam=${ID}`)).toBeNull();
  });

  it("reads the Telegram start param (startapp=<id>)", () => {
    expect(requestIdFromStartParam(ID)).toBe(ID);
    expect(requestIdFromStartParam(undefined)).toBeNull();
    expect(requestIdFromStartParam("ref_42")).toBeNull();
  });

  it("opens the request inside Telegram from the start param, in a browser from the hash", () => {
    expect(initialRoute({ kind: "telegram", initData: "x", startParam: ID }, "#tgWebAppData=x")).toEqual({ name: "request", id: ID });
    expect(initialRoute({ kind: "telegram", initData: "x" }, "#tgWebAppData=x")).toEqual({ name: "identities" });
    expect(initialRoute({ kind: "browser" }, `#/requests/${ID}`)).toEqual({ name: "request", id: ID });
    // A start param means nothing to a browser page.
    expect(initialRoute({ kind: "browser" }, "")).toEqual({ name: "identities" });
  });

  it("writes the hash back for the open request only", () => {
    expect(hashForRoute({ name: "request", id: ID })).toBe(`#/requests/${ID}`);
    expect(hashForRoute({ name: "requests" })).toBe("");
  });

  it("learns the bot's username from the sign-in deep link", () => {
    expect(botFromDeepLink("https://t.me/clw_test_bot?start=abc")).toBe("clw_test_bot");
    expect(botFromDeepLink("https://evil.example/clw_test_bot?start=abc")).toBeNull();
    expect(botFromDeepLink(null)).toBeNull();
  });
});
