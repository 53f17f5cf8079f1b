import { z } from "zod";

// This file imports only zod so the main `@clw/shared` entry (and the Mini App) can re-export the
// summary's shape without pulling in the PSBT parser.

const hex = (bytes?: number) => z.string().regex(bytes ? new RegExp(`^[0-9a-f]{${bytes * 2}}$`) : /^(?:[0-9a-f]{2})*$/);
const sats = z.number().int().nonnegative();
const index = z.number().int().nonnegative();

/** The networks a transaction can be shown for (same values as `BitcoinNetwork`). */
export const bitcoinNetworkSchema = z.enum(["mainnet", "testnet", "signet", "regtest"]);

/** One input of a decoded transaction, as the owner sees it. */
export const summaryInputSchema = z.object({
  index,
  amount_sats: sats,
  /** Spendable by this identity's key. */
  mine: z.boolean(),
  /** How this identity's key spends it (`null` when the input is not this key's). */
  path: z.enum(["key", "script"]).nullable(),
});

/** One output: its address, or `null` plus the raw script when it has none (e.g. OP_RETURN). */
export const summaryOutputSchema = z.object({
  index,
  address: z.string().nullable(),
  script: hex().optional(),
  amount_sats: sats,
  /** Pays back to this identity's own BIP-86 address (change). */
  mine: z.boolean(),
});

/**
 * What a PSBT does, decoded by the signer itself ("sign what you see").
 * `fee_rate_sat_vb` is an estimate (the size of the fully signed transaction is estimated);
 * `spend_sats` is what leaves this identity: its inputs minus its outputs, never below 0.
 */
export const transactionSummarySchema = z.object({
  network: bitcoinNetworkSchema,
  /** The unsigned transaction's id (display order), which signatures do not change. */
  txid: hex(32),
  inputs: z.array(summaryInputSchema),
  outputs: z.array(summaryOutputSchema),
  fee_sats: sats,
  fee_rate_sat_vb: z.number().nonnegative(),
  spend_sats: sats,
});

/** A decoded transaction's summary (see `transactionSummarySchema`). */
export type TransactionSummary = z.infer<typeof transactionSummarySchema>;
export type SummaryInput = z.infer<typeof summaryInputSchema>;
export type SummaryOutput = z.infer<typeof summaryOutputSchema>;
