import { z } from "zod";
import { ERROR_CODES } from "../errors.js";
import { ROUTES, type RouteSpec } from "./routes.js";

type Json = Record<string, unknown>;

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a request (its input) or an answer (its output). */
const schemaOf = (schema: z.ZodType, io: "input" | "output"): Json => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  return rest;
};

const errorBody = { $ref: "#/components/schemas/Error" };
const json = (schema: Json) => ({ "application/json": { schema } });

function parameters(route: RouteSpec): Json[] {
  const params: Json[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string", format: "uuid" } }));
  for (const [name, field] of Object.entries(route.query?.shape ?? {})) {
    params.push({ name, in: "query", required: !(field as z.ZodType).safeParse(undefined).success, schema: schemaOf(field as z.ZodType, "input") });
  }
  if (route.idempotent) params.push({ name: "Idempotency-Key", in: "header", required: false, description: "The same key and request within 24 hours answer the first answer again; another request with it is 422.", schema: { type: "string", maxLength: 255 } });
  if (route.presence) params.push({ name: "X-Telegram-Init-Data", in: "header", required: false, description: "Fresh Mini App init data: the owner's proof of presence, used once.", schema: { type: "string" } });
  return params;
}

function operation(route: RouteSpec): Json {
  const responses: Json = {};
  for (const [status, answer] of Object.entries(route.responses)) {
    responses[status] = { description: answer.description, ...(answer.schema ? { content: json(schemaOf(answer.schema, "output")) } : {}) };
  }
  responses.default = { description: "An error: `{error, code}` with a 4xx or 5xx status", content: json(errorBody) };
  return {
    operationId: `${route.method}${route.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? "").toUpperCase())}`,
    summary: route.summary,
    security: route.auth === "none" ? [] : [{ bearer: [] }],
    ...(route.auth === "owner" ? { description: "Owner only: an agent key is refused (403)." } : {}),
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: !route.bodyOptional, content: json(schemaOf(route.body, "input")) } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the public API, generated from the contract's zod schemas. */
export function openApiDocument(serverUrl = "https://api.clw.cash"): Json {
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  return {
    openapi: "3.1.0",
    info: {
      title: "clw.cash API",
      version: "1.0.0",
      description: "Keys for people and their AI agents, held in an enclave and controlled from Telegram. Sign with a single-use ticket bound to the exact digest or transaction.",
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A session token, or an agent key (clw_ak_…)" } },
      schemas: {
        Error: { type: "object", required: ["error", "code"], properties: { error: { type: "string" }, code: { type: "string", enum: [...ERROR_CODES] } } },
      },
    },
  };
}
