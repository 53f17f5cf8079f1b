import { describe, expect, it } from "vitest";
import { networkName, parseBitcoinNetwork, parseBotUsername } from "../src/settings.js";

describe("the build's Bitcoin network (VITE_BITCOIN_NETWORK)", () => {
  it("is mainnet unless set, and any of the four networks the Worker knows", () => {
    expect(parseBitcoinNetwork(undefined)).toBe("mainnet");
    expect(parseBitcoinNetwork("")).toBe("mainnet");
    for (const network of ["mainnet", "testnet", "signet", "regtest"] as const) expect(parseBitcoinNetwork(network)).toBe(network);
    expect(parseBitcoinNetwork(" Testnet ")).toBe("testnet");
    expect(networkName("signet")).toBe("Bitcoin signet");
  });

  it("fails loudly, naming the variable, for anything else", () => {
    expect(() => parseBitcoinNetwork("testnet4")).toThrow(/VITE_BITCOIN_NETWORK must be one of mainnet, testnet, signet, regtest/);
  });
});

describe("the bot's username (VITE_BOT_USERNAME)", () => {
  it("is optional, and read with or without @", () => {
    expect(parseBotUsername(undefined)).toBeNull();
    expect(parseBotUsername("")).toBeNull();
    expect(parseBotUsername("@clw_cash_bot")).toBe("clw_cash_bot");
  });

  it("refuses what cannot be a Telegram username", () => {
    expect(() => parseBotUsername("bot")).toThrow(/VITE_BOT_USERNAME/);
    expect(() => parseBotUsername("https://t.me/clw_bot")).toThrow(/VITE_BOT_USERNAME/);
  });
});
