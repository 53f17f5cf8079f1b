import { ClwApiError, type Challenge, type Session } from "@clw/shared";
import { describe, expect, it } from "vitest";
import { failureMessage, runSignIn, type SignInApi, type SignInState } from "../src/sign-in-flow.js";

const session: Session = { token: "tok", expires_in: 3600, user: { id: "u1", telegram_user_id: "42", status: "active", created_at: "2026-01-01T00:00:00.000Z" } };

function challenge(overrides: Partial<Challenge> = {}): Challenge {
  return {
    challenge_id: "c1",
    expires_at: new Date(10_000).toISOString(),
    deep_link: "https://t.me/clw_test_bot?start=abc",
    confirmation_code: "123 456",
    ...overrides,
  };
}

type VerifyAnswer = "pending" | "approved" | Error;

/** A fake API whose verify answers follow a script; a clock that advances with each sleep. */
function harness(script: VerifyAnswer[], first: Challenge | Error = challenge()) {
  let clock = 0;
  const calls = { challenge: [] as unknown[], verify: 0, sleeps: [] as number[] };
  const api: SignInApi = {
    async createChallenge(request) {
      calls.challenge.push(request);
      if (first instanceof Error) throw first;
      return first;
    },
    async verify() {
      const answer = script[Math.min(calls.verify++, script.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return answer === "pending" ? { status: "pending" } : { status: "approved", ...session };
    },
  };
  const states: SignInState[] = [];
  const options = {
    now: () => clock,
    sleep: async (ms: number) => {
      calls.sleeps.push(ms);
      clock += ms;
    },
    onState: (state: SignInState) => states.push(state),
  };
  return { api, calls, states, options };
}

describe("the browser sign-in state machine", () => {
  it("waits on the challenge, polling every 2 s, until the owner approves", async () => {
    const { api, calls, states, options } = harness(["pending", "pending", "approved"]);
    const final = await runSignIn(api, options);
    expect(final).toEqual({ status: "approved", session });
    expect(states.map((s) => s.status)).toEqual(["starting", "waiting", "approved"]);
    expect(calls.verify).toBe(3);
    expect(calls.sleeps).toEqual([2000, 2000]);
  });

  it("ends as denied on 403 and as expired on 404", async () => {
    const denied = harness(["pending", new ClwApiError(403, "challenge_denied", "denied")]);
    expect((await runSignIn(denied.api, denied.options)).status).toBe("denied");
    const gone = harness([new ClwApiError(404, "not_found", "unknown, expired or already used challenge")]);
    expect((await runSignIn(gone.api, gone.options)).status).toBe("expired");
  });

  it("stops polling once the challenge's expiry has passed", async () => {
    const { api, calls, options } = harness(["pending"]);
    const final = await runSignIn(api, options);
    expect(final.status).toBe("expired");
    expect(calls.verify).toBe(5); // 0, 2, 4, 6, 8 s; at 10 s the challenge has lapsed
  });

  it("rides out brief network failures but gives up after several in a row", async () => {
    const offline = new TypeError("Failed to fetch");
    const flaky = harness([offline, offline, "approved"]);
    expect((await runSignIn(flaky.api, flaky.options)).status).toBe("approved");
    const down = harness([offline]);
    const final = await runSignIn(down.api, { ...down.options, maxFailures: 3 });
    expect(final).toEqual({ status: "failed", message: "Can't reach the clw.cash service. Check your connection and try again." });
    expect(down.calls.verify).toBe(3);
  });

  it("reports a failure to start (API down) as a sentence", async () => {
    const { api, states, options } = harness([], new TypeError("Failed to fetch"));
    const final = await runSignIn(api, options);
    expect(final.status).toBe("failed");
    expect(states.map((s) => s.status)).toEqual(["starting", "failed"]);
  });

  it("switches to the test sign-in when the server gives no deep link, and signs in with a user id", async () => {
    const testMode = harness(["approved"], challenge({ deep_link: null }));
    expect((await runSignIn(testMode.api, testMode.options)).status).toBe("test-mode");
    expect(testMode.calls.verify).toBe(0);
    const final = await runSignIn(testMode.api, { ...testMode.options, telegramUserId: 42 });
    expect(final.status).toBe("approved");
    expect(testMode.calls.challenge.at(-1)).toMatchObject({ telegram_user_id: 42 });
  });

  it("goes quiet when aborted", async () => {
    const { api, calls, states, options } = harness(["pending"]);
    const controller = new AbortController();
    const run = runSignIn(api, { ...options, signal: controller.signal, sleep: async () => controller.abort() });
    expect((await run).status).toBe("failed");
    expect(calls.verify).toBe(1);
    expect(states.map((s) => s.status)).toEqual(["starting", "waiting"]);
  });
});

describe("failure messages", () => {
  it("says what went wrong in words", () => {
    expect(failureMessage(new ClwApiError(429, "rate_limited", "slow down"))).toMatch(/Too many attempts/);
    expect(failureMessage(new ClwApiError(503, "enclave_unavailable", "x"))).toMatch(/having trouble/);
    expect(failureMessage(new ClwApiError(503, "misconfigured", "x"))).toMatch(/not configured/);
    expect(failureMessage(new ClwApiError(401, "unauthorized", "the Telegram init data has expired"))).toBe("The Telegram init data has expired");
  });
});
