import { describe, expect, it } from "vitest";
import { call } from "./helpers.js";

describe("health", () => {
  it("GET /health is cheap and answers as the runbook says", async () => {
    const res = await call("GET", "/health");
    expect([res.status, res.body]).toEqual([200, { ok: true, service: "api" }]);
  });

  it("GET /health?deep=1 checks D1, KV and the signer", async () => {
    const res = await call("GET", "/health?deep=1");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, failing: [], checks: { d1: { ok: true }, kv: { ok: true }, signer: { ok: true } } });
  });

  it("names the signer when it is down", async () => {
    const res = await call("GET", "/health?deep=1", { env: { ENCLAVE_BASE_URL: "http://127.0.0.1:9" } });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ ok: false, failing: ["signer"], checks: { d1: { ok: true }, signer: { ok: false } } });
  });
});
