import { openApiDocument } from "@clw/shared/openapi";
import { Hono } from "hono";
import type { AppEnv } from "../middleware/context.js";

/** `GET /openapi.json`: the OpenAPI 3.1 description of every public route, generated from the contract. */
export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) => c.json(openApiDocument(new URL(c.req.url).origin)));
