import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, newId, randomHex, startEnclave, type TestEnclave, getHealth } from "./helpers.js";

const ROUTES = ["/v1/keys/generate", "/v1/keys/sign", "/v1/keys/sign-batch", "/v1/keys/sign-psbt", "/v1/keys/destroy", "/v1/keys/import"];
const wrongSameLength = API_KEY.slice(0, -1) + (API_KEY.endsWith("x") ? "y" : "x");

describe("internal API key", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave();
  });
  afterEach(() => enclave.close());

  it("GET /health works without the key; only the internal key sees the mode and the key count", async () => {
    const res = await fetch(`${enclave.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, service: "enclave" });
    const detailed = await fetch(`${enclave.url}/health`, { headers: { "x-internal-api-key": API_KEY } });
    expect(await detailed.json()).toEqual({ ok: true, service: "enclave", sealing_mode: "local", keys: 0, destroyed: 0 });
    const wrongKey = await fetch(`${enclave.url}/health`, { headers: { "x-internal-api-key": "not-the-key-0000000000" } });
    expect(await wrongKey.json()).toEqual({ ok: true, service: "enclave" });
  });

  const cases: Array<[string, Record<string, string>]> = [
    ["missing", {}],
    ["wrong", { "x-internal-api-key": "nope" }],
    ["right length, wrong value", { "x-internal-api-key": wrongSameLength }],
  ];
  for (const [label, headers] of cases) {
    it(`answers 401 unauthorized on every non-health route when the key is ${label}`, async () => {
      expect(wrongSameLength.length).toBe(API_KEY.length);
      const body = { identity_id: newId(), user_id: newId(), digest: randomHex(32), ticket: "x", items: [], sealed_key: "x" };
      for (const route of [...ROUTES, "/v1/unknown"]) {
        const res = await enclave.post(route, body, headers);
        expect(res.status, route).toBe(401);
        expect(res.json).toEqual({ error: expect.any(String), code: "unauthorized" });
      }
      expect((await getHealth(enclave.url)).keys).toBe(0);
    });
  }

  it("accepts the right key and answers 404 not_found for unknown routes", async () => {
    const res = await enclave.post("/v1/unknown", {});
    expect(res.status).toBe(404);
    expect(res.json.code).toBe("not_found");
    const created = await enclave.post("/v1/keys/generate", { identity_id: newId(), user_id: newId() });
    expect(created.status).toBe(201);
  });
});
