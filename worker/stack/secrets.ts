import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** The secrets the Worker and the enclave share (or the Worker alone holds). */
export interface LocalSecrets {
  INTERNAL_API_KEY: string;
  TICKET_SIGNING_SECRET: string;
  SESSION_SIGNING_SECRET: string;
  ENCLAVE_SEALING_KEY: string;
}

const SHARED_KEYS = ["INTERNAL_API_KEY", "TICKET_SIGNING_SECRET"] as const;

/** 32 random bytes as 64 lowercase hex characters. */
export function randomHex32(): string {
  return randomBytes(32).toString("hex");
}

/** A fresh, independent set of secrets, e.g. for one test run. */
export function generateSecrets(): LocalSecrets {
  return {
    INTERNAL_API_KEY: randomHex32(),
    TICKET_SIGNING_SECRET: randomHex32(),
    SESSION_SIGNING_SECRET: randomHex32(),
    ENCLAVE_SEALING_KEY: randomHex32(),
  };
}

/** Parses `KEY=value` lines (dotenv subset: comments, blank lines, optional quotes). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).replace(/^export\s+/, "").trim();
    out[key] = line.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return out;
}

/** Serialises a record as `KEY=value` lines, ending with a newline. */
export function formatEnvFile(values: Record<string, string>): string {
  return Object.entries(values).map(([key, value]) => `${key}=${value}`).join("\n") + "\n";
}

/** Writes an env file readable only by its owner (mode 0600). */
export async function writeSecretFile(file: string, values: Record<string, string>): Promise<void> {
  await writeFile(file, formatEnvFile(values), { mode: 0o600 });
}

async function readEnvFile(file: string): Promise<Record<string, string> | undefined> {
  try {
    return parseEnvFile(await readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The variables the enclave reads from `enclave/.env.local` (or its process env). */
export function enclaveEnv(secrets: LocalSecrets, port: number): Record<string, string> {
  return {
    INTERNAL_API_KEY: secrets.INTERNAL_API_KEY,
    TICKET_SIGNING_SECRET: secrets.TICKET_SIGNING_SECRET,
    SEALING_MODE: "local",
    ENCLAVE_SEALING_KEY: secrets.ENCLAVE_SEALING_KEY,
    ENCLAVE_PORT: String(port),
  };
}

/** The secrets the Worker reads from `.dev.vars` (or an `--env-file`). */
export function workerSecretVars(secrets: LocalSecrets): Record<string, string> {
  return {
    INTERNAL_API_KEY: secrets.INTERNAL_API_KEY,
    TICKET_SIGNING_SECRET: secrets.TICKET_SIGNING_SECRET,
    SESSION_SIGNING_SECRET: secrets.SESSION_SIGNING_SECRET,
  };
}

/** The local secret files, relative to the repository root. */
export const LOCAL_SECRET_FILES = { worker: ".dev.vars", enclave: path.join("enclave", ".env.local") } as const;

/** What `ensureLocalSecrets` found and did. */
export interface EnsuredSecrets {
  /** The secrets in effect (the existing files' values win over fresh ones). */
  secrets: LocalSecrets;
  /** The files it wrote, relative to the root; the others existed and were left alone. */
  created: string[];
}

/**
 * Makes sure the git-ignored local secret files exist: `<root>/.dev.vars` for the Worker and
 * `<root>/enclave/.env.local` for the enclave. Existing files are never overwritten; when only
 * one exists, the shared values (INTERNAL_API_KEY, TICKET_SIGNING_SECRET) are taken from it so
 * both sides agree. New files are written with mode 0600.
 * @throws on file-system errors other than a missing file.
 */
export async function ensureLocalSecrets(rootDir: string): Promise<EnsuredSecrets> {
  const devVarsPath = path.join(rootDir, LOCAL_SECRET_FILES.worker);
  const enclaveEnvPath = path.join(rootDir, LOCAL_SECRET_FILES.enclave);
  const devVars = await readEnvFile(devVarsPath);
  const enclaveLocal = await readEnvFile(enclaveEnvPath);
  const secrets = generateSecrets();
  for (const key of SHARED_KEYS) {
    const existing = devVars?.[key] ?? enclaveLocal?.[key];
    if (existing) secrets[key] = existing;
  }
  if (devVars?.SESSION_SIGNING_SECRET) secrets.SESSION_SIGNING_SECRET = devVars.SESSION_SIGNING_SECRET;
  if (enclaveLocal?.ENCLAVE_SEALING_KEY) secrets.ENCLAVE_SEALING_KEY = enclaveLocal.ENCLAVE_SEALING_KEY;
  const created: string[] = [];
  if (!devVars) {
    await writeSecretFile(devVarsPath, workerSecretVars(secrets));
    created.push(LOCAL_SECRET_FILES.worker);
  }
  if (!enclaveLocal) {
    await writeSecretFile(enclaveEnvPath, enclaveEnv(secrets, 7000));
    created.push(LOCAL_SECRET_FILES.enclave);
  }
  return { secrets, created };
}
