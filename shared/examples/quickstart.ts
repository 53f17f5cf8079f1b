// The typed client end to end: sign in, create a key, sign a digest, check the signature.
// Run it against `pnpm dev` from the repository root:
//   pnpm --filter ./shared exec tsx examples/quickstart.ts [API URL, default http://127.0.0.1:8787]
import { bytesToHex, createClient, verifySchnorr, xOnlyPublicKey } from "@clw/shared";

const client = createClient({ baseUrl: process.argv[2] ?? "http://127.0.0.1:8787" });

// Test mode (`pnpm dev` without a bot token): a challenge naming a Telegram user is approved at
// once. With a bot, the owner approves the challenge's deep link in Telegram instead.
const challenge = await client.createChallenge({ telegram_user_id: 42 });
const session = await client.verify(challenge.challenge_id);
if (session.status !== "approved") throw new Error("this API is not in test mode: sign in through Telegram");
console.log(`signed in as Telegram user ${session.user.telegram_user_id}`);

const identity = await client.createIdentity();
console.log(`key ${identity.id}, public key ${identity.public_key}`);

const digest = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
const signature = await client.signDigest(identity.id, digest); // sign-intent, then sign
console.log(`digest    ${digest}\nsignature ${signature}`);

// BIP-340 verifies against the 32-byte x-only key: the public key without its 02/03 prefix.
const xOnly = xOnlyPublicKey(identity.public_key);
const valid = verifySchnorr(xOnly, digest, signature);
console.log(`BIP-340 signature ${valid ? "valid" : "INVALID"} for x-only key ${xOnly}`);
process.exitCode = valid ? 0 : 1;
