// `@clw/shared/openapi`: the API's route list and its OpenAPI document, a separate entry point so
// that the Mini App never bundles it.
export { openApiDocument } from "./document.js";
export { ROUTES, type RouteAuth, type RouteSpec } from "./routes.js";
