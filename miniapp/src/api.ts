import { createClient, type ClwClient } from "@clw/shared";

/** The API's origin: `VITE_API_URL` at build time (.env.development / .env.production). */
export const API_URL: string = import.meta.env.VITE_API_URL || "http://127.0.0.1:8787";

/** A typed client of the clw.cash API for this tab; the token is set once signed in. */
export function createApi(baseUrl: string = API_URL, token?: string): ClwClient {
  return createClient({ baseUrl, token });
}
