import { ClwApiError, type OwnerActionState } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { actionOutcomeWords, followAction, pendingActionTitle, type ActionApi, type ActionProgress } from "../src/owner-action-flow.js";

const action = (status: OwnerActionState["status"]): OwnerActionState => ({
  id: "a1",
  kind: "policy",
  status,
  identity_id: "i1",
  changes: ["approval turned off"],
  expires_at: "2026-01-01T00:10:00.000Z",
  created_at: "2026-01-01T00:00:00.000Z",
  decided_via: status === "pending_confirmation" ? null : "chat",
  requested_by: "API session 6a3d683f",
});

/** A fake API answering from a script, and a sleep that only counts. */
function harness(script: (OwnerActionState["status"] | Error)[]) {
  let calls = 0;
  const sleeps: number[] = [];
  const seen: ActionProgress[] = [];
  const api: ActionApi = {
    async getAction() {
      const next = script[Math.min(calls++, script.length - 1)]!;
      if (next instanceof Error) throw next;
      return action(next);
    },
  };
  const options = { sleep: async (ms: number) => void sleeps.push(ms), onProgress: (p: ActionProgress) => seen.push(p) };
  return { api, sleeps, seen, options, calls: () => calls };
}

describe("following a change that waits for the owner", () => {
  it("polls every 2 s until the owner confirms in the chat, reporting each new state once", async () => {
    const h = harness(["pending_confirmation", "pending_confirmation", "confirmed"]);
    const final = await followAction(h.api, "a1", h.options);
    expect(final.status).toBe("confirmed");
    expect(h.seen.map((p) => p.status)).toEqual(["pending_confirmation", "confirmed"]);
    expect(h.sleeps).toEqual([2000, 2000]);
  });

  it("ends on a denial, an expiry or a failure", async () => {
    for (const end of ["denied", "expired", "failed"] as const) {
      const h = harness(["pending_confirmation", end]);
      expect((await followAction(h.api, "a1", h.options)).status).toBe(end);
    }
  });

  it("rides out brief network failures, gives up on an unknown action, and leaves an ended session to the caller", async () => {
    const offline = new TypeError("Failed to fetch");
    const flaky = harness([offline, offline, "denied"]);
    expect((await followAction(flaky.api, "a1", flaky.options)).status).toBe("denied");
    const down = harness([offline]);
    expect(await followAction(down.api, "a1", { ...down.options, maxFailures: 3 })).toMatchObject({ status: "unknown", message: /Can't reach/ });
    expect(down.calls()).toBe(3);
    const gone = harness([new ClwApiError(404, "not_found", "no such action")]);
    expect((await followAction(gone.api, "a1", gone.options)).status).toBe("unknown");
    const ended = harness([new ClwApiError(401, "unauthorized", "invalid or expired session")]);
    await expect(followAction(ended.api, "a1", ended.options)).rejects.toMatchObject({ status: 401 });
  });

  it("stops quietly when aborted", async () => {
    const h = harness(["pending_confirmation"]);
    const abort = new AbortController();
    const final = await followAction(h.api, "a1", { ...h.options, signal: abort.signal, sleep: async () => abort.abort() });
    expect(final.status).toBe("unknown");
    expect(h.calls()).toBe(1);
  });

  it("says what became of it", () => {
    expect(actionOutcomeWords("policy", "confirmed").title).toBe("Saved");
    expect(actionOutcomeWords("destroy", "confirmed").message).toMatch(/destroyed/);
    expect(actionOutcomeWords("policy", "denied")).toEqual({ title: "Cancelled", message: "You cancelled it in Telegram. Nothing changed on the policy." });
    expect(actionOutcomeWords("destroy", "expired").message).toMatch(/nothing changed on the key/);
    expect(actionOutcomeWords("policy", "failed").title).toBe("Could not be done");
  });

  it("tells a Cancel pressed in the app from one pressed in the chat", () => {
    expect(actionOutcomeWords("destroy", "denied", "chat").message).toBe("You cancelled it in Telegram. Nothing changed on the key.");
    expect(actionOutcomeWords("destroy", "denied", "api")).toEqual({ title: "Cancelled", message: "You cancelled it before it was confirmed. Nothing changed on the key." });
    expect(actionOutcomeWords("policy", "confirmed", "api").title).toBe("Saved");
  });

  it("names a waiting change by what it would do to which key", () => {
    expect(pendingActionTitle("policy", "key 1a2b3c4d…")).toBe("Loosen the policy of key 1a2b3c4d…");
    expect(pendingActionTitle("destroy", "key 1a2b3c4d…")).toBe("Destroy key 1a2b3c4d…");
  });
});
