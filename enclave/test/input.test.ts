import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, generateKey, mintTicket, randomHex, startEnclave, type TestEnclave } from "./helpers.js";

describe("bad input never yields a 500", () => {
  let enclave: TestEnclave;
  beforeEach(async () => {
    enclave = await startEnclave();
  });
  afterEach(() => enclave.close());

  it("malformed JSON → 400 invalid_json", async () => {
    const res = await enclave.post("/v1/keys/generate", "{not json");
    expect(res).toEqual({ status: 400, json: { error: expect.any(String), code: "invalid_json" } });
  });

  it("a body over 256 KiB → 413 payload_too_large", async () => {
    const big = JSON.stringify({ identity_id: "a", user_id: "b", pad: "x".repeat(300 * 1024) });
    const res = await enclave.post("/v1/keys/generate", big);
    expect(res.status).toBe(413);
    expect(res.json.code).toBe("payload_too_large");
  });

  it("a chunked body over 256 KiB → 413 payload_too_large", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await fetch(`${enclave.url}/v1/keys/generate`, {
      method: "POST", headers: { "x-internal-api-key": API_KEY }, body, duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("missing fields and invalid ids → 400 bad_request", async () => {
    const bodies = [
      {}, { identity_id: "abc" }, { user_id: "abc" }, { identity_id: "", user_id: "u" },
      { identity_id: "a b", user_id: "u" }, { identity_id: "x".repeat(65), user_id: "u" }, [], "str", 42,
    ];
    for (const body of bodies) {
      const res = await enclave.post("/v1/keys/generate", JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe("bad_request");
    }
    for (const route of ["/v1/keys/sign", "/v1/keys/sign-batch", "/v1/keys/import", "/v1/keys/destroy"]) {
      const res = await enclave.post(route, {});
      expect(res.status, route).toBe(400);
      expect(res.json.code).toBe("bad_request");
    }
  });

  it("non-hex, 31-byte and 33-byte digests → 400 invalid_digest", async () => {
    const k = await generateKey(enclave);
    for (const digest of ["zz".repeat(32), randomHex(31), randomHex(33), "", "0x"]) {
      const ticket = await mintTicket({ sub: k.userId, iid: k.identityId, digest: randomHex(32) });
      const res = await enclave.post("/v1/keys/sign", { identity_id: k.identityId, digest, ticket });
      expect(res.status, digest).toBe(400);
      expect(res.json.code).toBe("invalid_digest");
    }
    const wrongTypes = await enclave.post("/v1/keys/sign", { identity_id: k.identityId, digest: 5, ticket: {} });
    expect(wrongTypes.status).toBe(400);
  });

  it("an unexpected failure → 500 internal_error without details", async () => {
    const broken = await startEnclave({
      sealer: { mode: "local", seal: async () => { throw new Error("secret detail at /app/src/x.ts:1"); }, open: async () => new Uint8Array(32) },
    });
    try {
      const res = await broken.post("/v1/keys/generate", { identity_id: "a", user_id: "b" });
      expect(res).toEqual({ status: 500, json: { error: "internal error", code: "internal_error" } });
      expect((await broken.post("/v1/keys/destroy", { identity_id: "a" })).json.existed).toBe(false);
    } finally {
      await broken.close();
    }
  });

  it("sign-batch with 0 or 101 items → 400 bad_request", async () => {
    const k = await generateKey(enclave);
    const item = { digest: randomHex(32), ticket: "t" };
    for (const items of [[], Array.from({ length: 101 }, () => item)]) {
      const res = await enclave.post("/v1/keys/sign-batch", { identity_id: k.identityId, items });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe("bad_request");
    }
  });
});
