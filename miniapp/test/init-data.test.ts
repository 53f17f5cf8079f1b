import { describe, expect, it } from "vitest";
import { initDataFacts, openedForRequest } from "../src/init-data.js";

const ID = "0b6b9d0e-5c1f-4f5e-9a7e-2d1b3c4a5f60";
const raw = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe("what the launch's init data says", () => {
  it("names the user, the start param and the auth date", () => {
    const facts = initDataFacts(raw({ user: JSON.stringify({ id: 42, first_name: "Ada" }), auth_date: "1767225600", start_param: ID, hash: "x" }));
    expect(facts).toEqual({ telegramUserId: 42, startParam: ID, authDateMs: 1_767_225_600_000 });
  });

  it("is null where a part is missing or malformed", () => {
    expect(initDataFacts(undefined)).toEqual({ telegramUserId: null, startParam: null, authDateMs: null });
    expect(initDataFacts(raw({ user: "{not json", auth_date: "soon" }))).toEqual({ telegramUserId: null, startParam: null, authDateMs: null });
    expect(initDataFacts(raw({ user: JSON.stringify({ id: "42" }) })).telegramUserId).toBeNull();
  });

  it("lets the Mini App approve only the request it was opened for", () => {
    expect(openedForRequest(raw({ start_param: ID }), ID)).toBe(true);
    expect(openedForRequest(raw({ start_param: ID.toUpperCase() }), ID)).toBe(true);
    expect(openedForRequest(raw({ start_param: "1b6b9d0e-5c1f-4f5e-9a7e-2d1b3c4a5f60" }), ID)).toBe(false);
    expect(openedForRequest(raw({ auth_date: "1" }), ID)).toBe(false);
    expect(openedForRequest(undefined, ID)).toBe(false);
  });
});
