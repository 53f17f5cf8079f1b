import { ROUTES } from "@clw/shared/openapi";
import { expect, it } from "vitest";
import { app } from "../src/app.js";
import { call } from "./helpers.js";

/** Routes the public description leaves out on purpose: Telegram's webhook is not an API for clients. */
const NOT_PUBLIC = new Set(["POST /telegram-webhook"]);

/** The routes the Worker really mounts, as `METHOD /path/{param}` (alternatives like `{approve|deny}` spelled out). */
function mountedRoutes(): Set<string> {
  const found = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL" || route.path.endsWith("*")) continue;
    const alternatives = /:(\w+)\{([\w|]+)\}/.exec(route.path);
    const paths = alternatives ? alternatives[2]!.split("|").map((word) => route.path.replace(alternatives[0], word)) : [route.path];
    for (const path of paths) found.add(`${route.method} ${path.replace(/:(\w+)/g, "{$1}")}`);
  }
  return found;
}

it("the OpenAPI document describes every route the Worker mounts, and no route it does not", () => {
  const described = new Set(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`));
  const mounted = mountedRoutes();
  expect(mounted.size).toBeGreaterThan(20);
  const undescribed = [...mounted].filter((r) => !described.has(r) && !NOT_PUBLIC.has(r));
  const phantom = [...described].filter((r) => !mounted.has(r));
  expect({ undescribed, phantom }).toEqual({ undescribed: [], phantom: [] });
});

it("owner-only routes in the document are the ones that refuse agent keys", async () => {
  const ownerOnly = ROUTES.filter((r) => r.auth === "owner").map((r) => `${r.method.toUpperCase()} ${r.path}`);
  expect(ownerOnly).toEqual(expect.arrayContaining(["POST /v1/identities", "PUT /v1/identities/{id}/policy", "DELETE /v1/identities/{id}", "POST /v1/agents", "GET /v1/audit"]));
  expect((await call("GET", "/openapi.json")).body.paths["/v1/agents"].get.description).toContain("agent key is refused");
});
