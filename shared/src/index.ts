export * from "./client.js";
export * from "./contract/index.js";
export * from "./errors.js";
export * from "./hex.js";
export * from "./schnorr.js";
export * from "./tokens.js";
export * from "./bitcoin.js";
export * from "./destination.js";
export * from "./amounts.js";
export * from "./audit-words.js";
// Only the summary schema: the rest of the PSBT model lives behind `@clw/shared/psbt`.
export * from "./psbt/summary-schema.js";
