import { ClwApiError } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { emptyAgentForm, formToAgentRequest, mintFailureWords } from "../src/agent-form.js";

describe("the new agent key form", () => {
  it("opens with every key, both permissions and no end date, as the API's defaults", () => {
    expect(formToAgentRequest({ ...emptyAgentForm(), name: "  cron job " })).toEqual({ ok: true, request: { name: "cron job", permissions: ["sign", "read"] } });
  });

  it("sends only the keys picked, the permissions in the API's order, and the lifetime in seconds", () => {
    const form = { name: "payroll", allKeys: false, identityIds: ["id-2", "id-1", "id-2"], permissions: ["read", "sign"] as const, lifetime: "7d" as const };
    expect(formToAgentRequest({ ...form, permissions: [...form.permissions] })).toEqual({
      ok: true,
      request: { name: "payroll", permissions: ["sign", "read"], identity_ids: ["id-2", "id-1"], expires_in: 7 * 86_400 },
    });
    const readOnly = formToAgentRequest({ ...emptyAgentForm(), name: "watcher", permissions: ["read"], lifetime: "1h" });
    expect(readOnly).toEqual({ ok: true, request: { name: "watcher", permissions: ["read"], expires_in: 3600 } });
  });

  it("says what to fix: a name, a key, a permission", () => {
    expect(formToAgentRequest({ ...emptyAgentForm(), name: "   ", allKeys: false, permissions: [] })).toEqual({
      ok: false,
      errors: { name: expect.stringMatching(/name/), keys: expect.stringMatching(/at least one key/), permissions: expect.stringMatching(/at least one/) },
    });
    expect(formToAgentRequest({ ...emptyAgentForm(), name: "x".repeat(65) })).toMatchObject({ ok: false, errors: { name: "At most 64 characters." } });
    expect(formToAgentRequest({ ...emptyAgentForm(), name: "tab\there" })).toMatchObject({ ok: false, errors: { name: /printable/ } });
  });

  it("sends the owner back to Telegram when the proof is refused, and says other failures plainly", () => {
    for (const [error, why] of [
      [new ClwApiError(401, "init_data_used", "used"), /already proven you're here once/],
      [new ClwApiError(401, "init_data_expired", "stale"), /few minutes after the Mini App opens/],
      [new ClwApiError(403, "approval_required", "needs Telegram"), /not opened from the Mini App/],
    ] as const) {
      const words = mintFailureWords(error);
      expect(words.reopen).toBe(true);
      expect(words.message).toMatch(why);
      expect(words.message).toMatch(/open it again from the chat/);
    }
    const other = mintFailureWords(new ClwApiError(400, "bad_request", "identity x is not one of the owner's active keys"));
    expect(other).toEqual({ title: "Could not make the agent key", message: "Identity x is not one of the owner's active keys", reopen: false });
    expect(mintFailureWords(new TypeError("Failed to fetch")).reopen).toBe(false);
  });
});
