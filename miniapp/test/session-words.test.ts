import type { SessionInfo } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { describeUntil, orderSessions, sessionLabelClaim, sessionVia } from "../src/session-words.js";

const session = (id: string, created: string, current = false): SessionInfo => ({ id, via: "link", client_label: null, created_at: created, expires_at: created, current });

describe("sessions in words", () => {
  it("say how each was opened", () => {
    expect(sessionVia("link")).toBe("Sign-in link, approved in Telegram");
    expect(sessionVia("miniapp")).toBe("Telegram Mini App");
    expect(sessionVia("test")).toMatch(/Test sign-in/);
  });

  it("show the requester's label as its own claim, or nothing", () => {
    expect(sessionLabelClaim("pay.clw.cash")).toBe("Calls itself “pay.clw.cash”");
    expect(sessionLabelClaim(null)).toBeNull();
  });

  it("list the current one first, then the newest", () => {
    const list = [session("a", "2026-01-01T00:00:00Z"), session("b", "2026-01-03T00:00:00Z"), session("c", "2026-01-02T00:00:00Z", true)];
    expect(orderSessions(list).map((s) => s.id)).toEqual(["c", "b", "a"]);
  });

  it("say when a session ends", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    expect(describeUntil("2026-01-01T12:42:00Z", now)).toBe("in 42 min");
    expect(describeUntil("2026-01-01T15:00:00Z", now)).toBe("in 3 h");
    expect(describeUntil("2026-01-08T12:00:00Z", now)).toBe("in 7 days");
    expect(describeUntil("2026-01-01T11:00:00Z", now)).toBe("now");
  });
});
