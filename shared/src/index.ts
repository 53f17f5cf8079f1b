export * from "./client.js";
export * from "./contract.js";
export * from "./errors.js";
export * from "./hex.js";
export * from "./schnorr.js";
export * from "./tokens.js";
export * from "./bitcoin.js";
export * from "./destination.js";
