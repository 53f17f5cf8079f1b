import { createMiddleware } from "hono/factory";
import { unauthorized } from "../errors.js";
import { authenticate } from "../services/sessions.js";
import type { AppEnv } from "./context.js";

/** Requires `Authorization: Bearer <session token>` of a live session; sets `auth`. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized();
  c.set("auth", await authenticate(c.get("deps"), match[1]!));
  await next();
});
