// The REST contract: zod schemas and the types they infer, one file per area of the API.
export * from "./agents.js";
export * from "./audit.js";
export * from "./auth.js";
export * from "./common.js";
export * from "./identities.js";
export * from "./policies.js";
export * from "./signing.js";
