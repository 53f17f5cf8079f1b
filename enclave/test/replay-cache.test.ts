import { describe, expect, it } from "vitest";
import { TicketReplayError } from "../src/errors.js";
import { createReplayCache } from "../src/tickets.js";

describe("replay cache", () => {
  it("refuses a used nonce and is all-or-nothing for a set", () => {
    const cache = createReplayCache();
    const exp = Math.floor(Date.now() / 1000) + 60;
    cache.consume([{ jti: "a".repeat(16), exp }]);
    expect(() => cache.consume([{ jti: "a".repeat(16), exp }])).toThrow(TicketReplayError);
    expect(() => cache.consume([{ jti: "b".repeat(16), exp }, { jti: "a".repeat(16), exp }])).toThrow(TicketReplayError);
    expect(() => cache.consume([{ jti: "c".repeat(16), exp }, { jti: "c".repeat(16), exp }])).toThrow(TicketReplayError);
    cache.consume([{ jti: "b".repeat(16), exp }, { jti: "c".repeat(16), exp }]);
    expect(cache.size()).toBe(3);
  });

  it("prunes entries whose tickets have expired, so memory stays bounded", () => {
    let now = 1_700_000_000_000;
    const cache = createReplayCache({ now: () => now, pruneEveryMs: 1000 });
    for (let i = 0; i < 1000; i++) cache.consume([{ jti: `old-${i}`.padEnd(16, "x"), exp: now / 1000 + 30 }]);
    expect(cache.size()).toBe(1000);
    now += 31_000;
    cache.consume([{ jti: "fresh".padEnd(16, "x"), exp: now / 1000 + 30 }]);
    expect(cache.size()).toBe(1);
  });
});
