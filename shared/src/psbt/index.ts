// `@clw/shared/psbt`: the transaction model the API and the signer share. A separate entry point
// so that code which never touches a PSBT (the Mini App) does not bundle the PSBT parser.
export type { BitcoinNetwork } from "../bitcoin.js";
export { addTaprootSignatures, type TaprootSignature } from "./signatures.js";
export { analyzePsbt, type AnalyzeOptions, type PsbtAnalysis } from "./analyze.js";
export { BINDING_TAG } from "./binding.js";
export { MAX_PSBT_BYTES, MAX_PSBT_INPUTS, MAX_PSBT_OUTPUTS } from "./decode.js";
export { PsbtError, type PsbtErrorReason } from "./errors.js";
export { finalizePsbt, type FinalizedPsbt } from "./finalize.js";
export type { SigningJob } from "./jobs.js";
export * from "./summary-schema.js";
export { tapLeafHash, tapOutputKey, tapTweak, TAPSCRIPT_LEAF_VERSION } from "./taproot.js";
