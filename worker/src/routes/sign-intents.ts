import { intentDecisionRequestSchema, intentListQuerySchema, waitQuerySchema } from "@clw/shared";
import { Hono } from "hono";
import { AppError } from "../errors.js";
import { requireCredential, requireOwner } from "../middleware/auth.js";
import type { AppContext, AppEnv } from "../middleware/context.js";
import { jsonBody, queryParams, uuidParam } from "../middleware/input.js";
import { decideLoadedIntent, getIntentState, intentState, listIntentStates, loadOwnedIntent } from "../services/approvals.js";
import { requirePermission } from "../services/agents.js";
import { proveMiniAppPresence } from "../services/presence.js";


const intentIdParam = (c: AppContext) => uuidParam(c, "sign intent");

/**
 * Requests that wait for the owner: their status (`?wait=N` holds on up to 25 s), and the
 * owner's decision. Deciding needs the owner's Mini App session with fresh init data from their
 * own Telegram account, opened for this very request and used once; a bearer token alone (what an
 * agent holds) can never decide.
 */
export const signIntentRoutes = new Hono<AppEnv>()
  .get("/", requireCredential, async (c) => {
    const { status } = queryParams(c, intentListQuerySchema);
    requirePermission(c.get("deps"), c.get("auth"), "sign");
    return c.json({ items: await listIntentStates(c.get("deps"), c.get("auth"), status) });
  })
  .get("/:id", requireCredential, async (c) => {
    const id = intentIdParam(c);
    const { wait } = queryParams(c, waitQuerySchema);
    requirePermission(c.get("deps"), c.get("auth"), "sign");
    return c.json(await getIntentState(c.get("deps"), c.get("auth"), id, wait));
  })
  .post("/:id/:decision{approve|deny}", requireOwner, async (c) => {
    const id = intentIdParam(c);
    const { init_data: initData } = await jsonBody(c, intentDecisionRequestSchema, true);
    const approve = c.req.param("decision") === "approve";
    const deps = c.get("deps");
    if (!initData) {
      throw new AppError(403, "approval_required", "deciding needs the owner in Telegram: use the buttons in the chat, or the Mini App inside Telegram");
    }
    const intent = await loadOwnedIntent(deps, c.get("auth").userId, id);
    const telegramUserId = await proveMiniAppPresence(deps, c.get("auth"), initData, { kind: "approve", intentId: id });
    const { outcome, decided } = await decideLoadedIntent(deps, intent, telegramUserId, approve, "miniapp");
    if (outcome === "not_yours") throw new AppError(403, "forbidden", "only the owner's Telegram account can decide this request");
    if (outcome === "over_limit" || outcome === "not_allowed") throw new AppError(403, "policy_denied", outcome === "over_limit" ? "approving would exceed the daily limit" : "the destination is not on the allowlist");
    if (!decided) throw new AppError(409, "intent_decided", "this request was already decided or has expired");
    return c.json(await intentState(deps, decided));
  });
