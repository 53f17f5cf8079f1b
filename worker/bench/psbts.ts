import { randomBytes } from "node:crypto";
import { hex, base64 } from "@scure/base";
import { Transaction } from "@scure/btc-signer";
import { taprootOutputKey } from "@clw/shared";

/** Somebody else's mainnet address (BIP-173's P2WPKH example). */
export const STRANGER = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";

/**
 * A PSBT spending `inputs` outputs of 100,000 sats each from the identity's own BIP-86 address
 * (key path): 10,000 sats to a stranger, the rest but a 1,000-sat fee back to the identity.
 */
export function spendFromKey(publicKey: string, inputs = 1): string {
  const script = hex.decode(`5120${taprootOutputKey(publicKey.slice(2))}`);
  const tx = new Transaction();
  for (let i = 0; i < inputs; i++) tx.addInput({ txid: randomBytes(32), index: i % 4, witnessUtxo: { amount: 100_000n, script } });
  tx.addOutputAddress(STRANGER, 10_000n);
  tx.addOutput({ script, amount: BigInt(inputs) * 100_000n - 11_000n });
  return base64.encode(tx.toPSBT(0));
}
