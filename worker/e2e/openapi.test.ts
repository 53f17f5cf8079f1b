import { Validator } from "@seriousme/openapi-schema-validator";
import { openApiDocument } from "@clw/shared/openapi";
import { expect, it } from "vitest";
import { useLocalStack } from "./support.js";

const stack = useLocalStack();

it("GET /openapi.json serves a valid OpenAPI 3.1 document, the one the contract generates", async () => {
  const res = await fetch(`${stack().apiUrl}/openapi.json`);
  expect(res.status).toBe(200);
  const served = (await res.json()) as Record<string, unknown>;
  expect(served).toEqual(openApiDocument(stack().apiUrl));
  const result = await new Validator().validate(served);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(served.openapi).toBe("3.1.0");
});

it("request bodies are the contract's own: strict objects, bounded batches, the digest pattern", () => {
  const doc = openApiDocument() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>> };
  const batch = doc.paths["/v1/identities/{id}/sign-batch"]!.post!.requestBody!.content["application/json"]!.schema as { properties: { digests: { minItems: number; maxItems: number } }; additionalProperties: boolean };
  expect(batch.properties.digests).toMatchObject({ minItems: 1, maxItems: 100 });
  expect(batch.additionalProperties).toBe(false);
  const intent = JSON.stringify(doc.paths["/v1/identities/{id}/sign-intent"]!.post!.requestBody);
  expect(intent).toContain("psbt");
  expect(intent).toContain("digest");
});
