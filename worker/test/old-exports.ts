import { bytesToHex } from "@clw/shared";

/**
 * The old API's `api-data/key-backups.json` exactly as its store wrote it (from the old
 * repository, removed there in 47350ae): a legacy local backup under the old signer's
 * development SEALING_KEY, pretty-printed with two spaces and no final newline.
 */
export const OLD_API_FILE = `{
  "f39fcda5-fe6e-4d7f-a465-da76a948ce5f": {
    "identity_id": "f39fcda5-fe6e-4d7f-a465-da76a948ce5f",
    "alg": "secp256k1",
    "sealed_key": "14cc301b3c264e571f0108d0:f4ff59ca16c0ebbb1517c44d5868964760202b0c7e9bee3b7171162a6a11b07da024e97e15c06aff7503758f07537ba211135961d43d00dc99603423302518c5:78e0489d7c6c5b88f60c912fa8f8feab",
    "created_at": "2026-02-14T22:34:02.967Z",
    "updated_at": "2026-02-14T22:34:02.967Z"
  }
}`;

/**
 * The old API's export of these backups, written as its store wrote it (`JSON.stringify(…, null, 2)`,
 * each record's fields in its order); a row's own fields win.
 */
export function oldExport(rows: Array<{ identity_id: string; sealed_key: string } & Record<string, unknown>>, at = new Date().toISOString()): string {
  const record = ({ identity_id, sealed_key, ...rest }: (typeof rows)[number]) => ({ identity_id, alg: "secp256k1", sealed_key, created_at: at, updated_at: at, ...rest });
  return JSON.stringify(Object.fromEntries(rows.map((r) => [r.identity_id, record(r)])), null, 2);
}

const random = (bytes: number) => crypto.getRandomValues(new Uint8Array(bytes));
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");

/** A legacy local backup's shape (`iv:ciphertext:tag`, hex; random bytes, it opens nowhere). */
export const legacyLocalShape = (sizes: [number, number, number] = [12, 64, 16]) => sizes.map((n) => bytesToHex(random(n))).join(":");

/** An Evervault ciphertext's shape (`ev:Tk9D:<iv>:<key>:<data>:$`; random bytes, it opens nowhere). */
export const evervaultShape = (dataBytes = 80) => `ev:Tk9D:${b64(random(12))}:${b64(random(33))}:${b64(random(dataBytes))}:$`;

/** The current local format's shape (`v1.local.` + 60 bytes base64url; random bytes). */
export const currentLocalShape = () => `v1.local.${b64(random(60)).replace(/\+/g, "-").replace(/\//g, "_")}`;
