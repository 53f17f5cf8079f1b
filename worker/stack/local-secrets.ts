/**
 * `pnpm secrets:local [root]`: creates the git-ignored local secret files that `pnpm dev` would
 * create, so `npx wrangler dev` and `pnpm --filter ./enclave start` also work on their own in a
 * fresh clone: `.dev.vars` (the Worker) and `enclave/.env.local` (the signer), with matching
 * random secrets. An existing file is never overwritten. `root` defaults to this repository.
 */
import path from "node:path";
import { REPO_ROOT } from "./components.js";
import { LOCAL_SECRET_FILES, ensureLocalSecrets } from "./secrets.js";

const USED_BY: Record<string, string> = {
  [LOCAL_SECRET_FILES.worker]: "the Worker's secrets, read by `npx wrangler dev`",
  [LOCAL_SECRET_FILES.enclave]: "the signer's, read by `pnpm --filter ./enclave start`",
};

const root = path.resolve(process.argv[2] ?? REPO_ROOT);
try {
  const { created } = await ensureLocalSecrets(root);
  for (const file of Object.values(LOCAL_SECRET_FILES)) {
    const what = created.includes(file) ? "created" : "kept (it exists; never overwritten)";
    console.log(`${file}: ${what} — ${USED_BY[file]}`);
  }
} catch (error) {
  console.error(`could not write the local secrets under ${root}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
