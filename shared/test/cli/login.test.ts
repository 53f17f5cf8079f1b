import { readFile, stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { API, agent, cliHarness, fakeApi, KEY } from "./harness.js";

const REQUEST_ID = "5f0e8a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
const started = (expiresInMs = 300_000, deepLink: string | null = "https://t.me/clw_bot?start=ag_0123456789abcdef0123456789abcdef") => ({
  status: 201,
  body: { request_id: REQUEST_ID, deep_link: deepLink, expires_at: new Date(Date.now() + expiresInMs).toISOString(), confirmation_code: "123 456" },
});
const pending = { status: 202, body: { status: "pending", expires_at: "t" } };

describe("clw login", () => {
  it("shows the link, its QR code and the code, polls until approved, and saves the key 0600", async () => {
    let polls = 0;
    const api = fakeApi({
      "POST /v1/auth/agent": () => started(),
      "POST /v1/auth/agent/token": () => (++polls < 3 ? pending : { status: 200, body: { agent_key: KEY, agent: agent() } }),
    });
    const h = await cliHarness({ fetch: api.fetch });
    const code = await h.run("login", "--name", "trading-bot", "--identity", "0B9D6F3E-1C2A-4E5F-8A7B-9C0D1E2F3A4B", "--permissions", "sign", "--expires-in", "86400", "--api", API);
    expect(code, h.stderr()).toBe(0);
    expect(api.calls[0]!.body).toEqual({ name: "trading-bot", identity_ids: ["0B9D6F3E-1C2A-4E5F-8A7B-9C0D1E2F3A4B"], permissions: ["sign"], expires_in: 86400 });
    expect(api.calls[0]!.headers["idempotency-key"]).toMatch(/^clw-/);
    expect(api.calls.filter((c) => c.url.pathname === "/v1/auth/agent/token")).toHaveLength(3);
    expect(h.stderr()).toContain("https://t.me/clw_bot?start=ag_0123456789abcdef0123456789abcdef");
    expect(h.stderr()).toMatch(/[█▀▄]{20,}/);
    expect(h.stderr()).toContain("Confirmation code: 123 456");
    expect(h.stderr().match(/waiting for the owner to approve/g)).toHaveLength(1);
    expect(h.stdout()).toContain('signed in as agent "trading-bot"');
    expect(h.stdout()).not.toContain(KEY);
    expect(JSON.parse(await readFile(h.configFile, "utf8"))).toEqual({ api_url: API, agent_key: KEY, agent: agent() });
    expect((await stat(h.configFile)).mode & 0o777).toBe(0o600);
  });

  it("on a terminal the progress line redraws itself with the time left, and ends before the result", async () => {
    let polls = 0;
    const api = fakeApi({
      "POST /v1/auth/agent": () => started(),
      "POST /v1/auth/agent/token": () => (++polls < 3 ? pending : { status: 200, body: { agent_key: KEY, agent: agent() } }),
    });
    const h = await cliHarness({ fetch: api.fetch, interactive: true });
    expect(await h.run("login", "--name", "bot", "--api", API)).toBe(0);
    const redraws = h.stderr().match(/\r\x1b\[2Kwaiting for the owner to approve in Telegram \(Ctrl-C stops\)… [45]:\d\d left/g);
    expect(redraws).toHaveLength(2);
    expect(h.stderr().endsWith("left\n")).toBe(true);
  });

  it("--json prints one object, without the key; the link still goes to stderr", async () => {
    const api = fakeApi({ "POST /v1/auth/agent": () => started(), "POST /v1/auth/agent/token": () => ({ status: 200, body: { agent_key: KEY, agent: agent() } }) });
    const h = await cliHarness({ fetch: api.fetch });
    expect(await h.run("login", "--name", "bot", "--api", API, "--json")).toBe(0);
    expect(JSON.parse(h.stdout())).toEqual({ api_url: API, config: h.configFile, agent: agent() });
    expect(h.stderr()).toContain("start=ag_");
  });

  it("test mode: --telegram-user-id is sent, and without it the command says what is missing", async () => {
    const api = fakeApi({ "POST /v1/auth/agent": () => started(300_000, null), "POST /v1/auth/agent/token": () => ({ status: 200, body: { agent_key: KEY, agent: agent() } }) });
    const h = await cliHarness({ fetch: api.fetch });
    expect(await h.run("login", "--name", "bot", "--api", API, "--telegram-user-id", "42")).toBe(0);
    expect(api.calls[0]!.body).toMatchObject({ telegram_user_id: 42 });
    const again = await cliHarness({ fetch: api.fetch });
    expect(await again.run("login", "--name", "bot", "--api", API)).toBe(1);
    expect(again.stderr()).toContain("--telegram-user-id");
  });

  it("denied in Telegram: exit 3 and nothing saved", async () => {
    const api = fakeApi({ "POST /v1/auth/agent": () => started(), "POST /v1/auth/agent/token": () => ({ status: 403, body: { error: "the owner denied this agent in Telegram", code: "challenge_denied" } }) });
    const h = await cliHarness({ fetch: api.fetch });
    expect(await h.run("login", "--name", "bot", "--api", API)).toBe(3);
    expect(h.stderr()).toContain("the owner denied this agent in Telegram");
    await expect(stat(h.configFile)).rejects.toThrow();
  });

  it("expired before the owner decided: exit 3", async () => {
    const api = fakeApi({ "POST /v1/auth/agent": () => started(-1), "POST /v1/auth/agent/token": () => ({ status: 404, body: { error: "gone", code: "not_found" } }) });
    const h = await cliHarness({ fetch: api.fetch });
    expect(await h.run("login", "--name", "bot", "--api", API, "--json")).toBe(3);
    expect(JSON.parse(h.stdout())).toMatchObject({ code: "expired", exit_code: 3 });
  });

  it("keeps polling through a rate limit or an unreachable API", async () => {
    let polls = 0;
    const api = fakeApi({
      "POST /v1/auth/agent": () => started(),
      "POST /v1/auth/agent/token": () => (++polls === 1 ? { status: 503, body: { error: "down", code: "enclave_unavailable" } } : { status: 200, body: { agent_key: KEY, agent: agent() } }),
    });
    const h = await cliHarness({ fetch: api.fetch });
    expect(await h.run("login", "--name", "bot", "--api", API)).toBe(0);
    expect(h.stderr()).toContain("still trying");
  });

  it("Ctrl-C stops cleanly: exit 130, no key saved", async () => {
    const controller = new AbortController();
    const api = fakeApi({
      "POST /v1/auth/agent": () => started(),
      "POST /v1/auth/agent/token": () => {
        controller.abort(Object.assign(new Error("stopped"), { name: "AbortError" }));
        return pending;
      },
    });
    const h = await cliHarness({ fetch: api.fetch, signal: controller.signal });
    expect(await h.run("login", "--name", "bot", "--api", API)).toBe(130);
    expect(h.stderr()).toContain("stopped: no key was saved");
    await expect(stat(h.configFile)).rejects.toThrow();
  });

  it("bad flags are usage errors (exit 2) and ask the API nothing", async () => {
    const api = fakeApi({});
    for (const argv of [["login"], ["login", "--name", "x", "--permissions", "admin"], ["login", "--name", "x", "--expires-in", "soon"], ["login", "--name", "x", "--identity", "nope"], ["login", "--name", "x", "--expires-in", "5"]]) {
      const h = await cliHarness({ fetch: api.fetch });
      expect(await h.run(...argv, "--api", API), argv.join(" ")).toBe(2);
    }
    expect(api.calls).toEqual([]);
  });
});
