import { z } from "zod";

const hex64 = /^[0-9a-fA-F]{64}$/;
const MISSING = "not set";
const secret = () => z.string({ error: MISSING }).min(16, "must be at least 16 characters");

/** Deployed, the signer's environment comes from its host; locally, from a git-ignored file. */
const whereToSet = (names: string[]) =>
  `set ${names.join(", ")} in the signer's environment, or locally in enclave/.env.local (\`pnpm secrets:local\` or \`pnpm dev\` creates one, matching the Worker's .dev.vars)`;

const envSchema = z
  .object({
    ENCLAVE_PORT: z.coerce.number().int().min(0).max(65535).default(7000),
    ENCLAVE_HOST: z.string().min(1).default("127.0.0.1"),
    INTERNAL_API_KEY: secret(),
    TICKET_SIGNING_SECRET: secret(),
    INTERNAL_API_KEY_PREVIOUS: secret().optional(),
    TICKET_SIGNING_SECRET_PREVIOUS: secret().optional(),
    SEALING_MODE: z.enum(["local", "evervault"]).default("local"),
    ENCLAVE_SEALING_KEY: z.string().regex(hex64, "must be exactly 64 hex characters (32 bytes)").optional(),
    /** The old signer's SEALING_KEY: opens legacy local backups (`iv:ciphertext:tag`) in either mode. */
    LEGACY_SEALING_KEY: z.string().regex(hex64, "must be exactly 64 hex characters (32 bytes)").optional(),
    EV_ENCLAVE_CRYPTO_URL: z.url().default("http://127.0.0.1:9999"),
  })
  .superRefine((env, ctx) => {
    if (env.SEALING_MODE === "local" && env.ENCLAVE_SEALING_KEY === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["ENCLAVE_SEALING_KEY"],
        message: `${MISSING} (required when SEALING_MODE=local: 64 hex characters)`,
      });
    }
  });

/** The enclave's configuration, parsed once from the environment. */
export type EnclaveConfig = z.infer<typeof envSchema>;

/** Thrown when the environment is missing or has an invalid variable; the message names it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses the enclave's environment. Empty strings count as unset.
 * @throws ConfigError naming every missing or invalid variable (and, when one is missing,
 * where to set it).
 */
export function loadConfig(env: Record<string, string | undefined>): EnclaveConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"}: ${issue.message}`);
  const missing = parsed.error.issues.filter((issue) => issue.message.startsWith(MISSING)).map((issue) => issue.path.join("."));
  if (missing.length) lines.push(whereToSet(missing));
  throw new ConfigError(`invalid enclave configuration:\n${lines.join("\n")}`);
}
