import { confirmationCode, type AgentKeyIssued, type AgentPermission, type AgentSignIn, type AgentSignInRequest } from "@clw/shared";
import type { AgentRequestView, SignInDecision, SignInProblem } from "@clw/bot";
import { claimAgentRequest, consumeAgentRequestQuery, decideAgentRequest, findAgentRequest, findAgentRequestByCode, insertAgentRequest } from "../db/agent-requests.js";
import type { AgentRequestsTable } from "../db/schema.js";
import { AppError } from "../errors.js";
import { checkGrantIdentities, issueAgentKey } from "./agents.js";
import { recordAudit } from "./audit.js";
import type { Deps } from "./deps.js";
import { randomToken } from "./random.js";
import { ensureTestUser, ensureUser, parseUserRef } from "./users.js";

/** The deep-link start parameter of an agent sign-in: `ag_` and the request's code. */
export const AGENT_LINK_PREFIX = "ag_";

const grantOf = (row: AgentRequestsTable) => ({
  identityIds: row.identity_ids === null ? null : (JSON.parse(row.identity_ids) as string[]),
  permissions: JSON.parse(row.permissions) as AgentPermission[],
});

/**
 * An agent asks its owner for a key: the owner opens the deep link in Telegram and approves (or
 * denies) exactly what is asked. In test mode a request that names a user is approved at once.
 * @throws AppError 503 `misconfigured` when neither Telegram nor test mode is configured.
 */
export async function requestAgentSignIn(deps: Deps, body: AgentSignInRequest): Promise<AgentSignIn> {
  const { botToken, botUsername } = deps.config.telegram;
  if (!deps.testMode && (!botToken || !botUsername)) throw new AppError(503, "misconfigured", "agent sign-in needs the bot: set TELEGRAM_BOT_TOKEN and TELEGRAM_BOT_USERNAME");
  const now = deps.now();
  const code = randomToken(16);
  const row: AgentRequestsTable = {
    id: crypto.randomUUID(),
    code,
    name: body.name,
    identity_ids: body.identity_ids ? JSON.stringify(body.identity_ids.map((id) => id.toLowerCase())) : null,
    permissions: JSON.stringify(body.permissions ?? ["sign", "read"]),
    expires_in: body.expires_in ?? null,
    status: "pending",
    telegram_user_id: null,
    user_id: null,
    created_at: new Date(now).toISOString(),
    expires_ms: now + deps.config.challengeTtlSeconds * 1000,
  };
  if (deps.testMode && body.telegram_user_id !== undefined) {
    const ref = parseUserRef(body.telegram_user_id);
    const user = "testUser" in ref ? await ensureTestUser(deps, ref.testUser, "api") : await ensureUser(deps, ref.telegramUserId, "api");
    await checkGrantIdentities(deps, user.id, grantOf(row).identityIds);
    Object.assign(row, { status: "approved", user_id: user.id, telegram_user_id: user.telegram_user_id });
  }
  await insertAgentRequest(deps.dbh.db, row);
  await recordAudit(deps, { action: "agent.request", userId: row.user_id, source: "api", metadata: { agent: row.name, request: row.id } });
  const deepLink = deps.testMode ? null : `https://t.me/${botUsername}?start=${AGENT_LINK_PREFIX}${code}`;
  return { request_id: row.id, deep_link: deepLink, expires_at: new Date(row.expires_ms).toISOString(), confirmation_code: confirmationCode(code) };
}

/** The owner opened an agent's deep link: bind the request to their account and describe it, or say why not. */
export async function openAgentRequest(deps: Deps, code: string, telegramUserId: number): Promise<AgentRequestView | SignInProblem> {
  const now = deps.now();
  const row = await claimAgentRequest(deps.dbh.db, code, telegramUserId, now);
  if (row) {
    const grant = grantOf(row);
    return { requestId: row.id, name: row.name, ...grant, expiresInSeconds: row.expires_in, confirmationCode: confirmationCode(row.code) };
  }
  const existing = await findAgentRequestByCode(deps.dbh.db, code);
  if (!existing) return "unknown";
  if (existing.status !== "pending") return "used";
  if (existing.expires_ms <= now) return "expired";
  return "other_account";
}

/**
 * Approve or Deny on an agent's request, from the account that opened it, once. Approving checks
 * that every identity the agent asks for is the owner's.
 * @throws AppError 400 when the request names an identity that is not the owner's.
 */
export async function decideAgentSignIn(deps: Deps, requestId: string, telegramUserId: number, approve: boolean): Promise<SignInDecision> {
  const row = await findAgentRequest(deps.dbh.db, requestId);
  if (!row) return "gone";
  if (row.telegram_user_id !== telegramUserId) return "not_yours";
  const user = await ensureUser(deps, telegramUserId, "telegram");
  if (approve) await checkGrantIdentities(deps, user.id, grantOf(row).identityIds);
  const decided = await decideAgentRequest(deps.dbh.db, requestId, telegramUserId, approve ? "approved" : "denied", approve ? user.id : null, deps.now());
  if (!decided) return "gone";
  await recordAudit(deps, { action: approve ? "agent.approve" : "agent.deny", userId: user.id, source: "telegram", metadata: { agent: row.name, request: row.id } });
  return approve ? "approved" : "denied";
}

export type AgentTokenOutcome = { status: "pending"; expires_at: string } | { status: "issued"; issued: AgentKeyIssued };

/**
 * The agent collects its key: exactly once after the owner approved (the request is consumed and
 * the key made in one D1 batch).
 * @throws AppError 404 unknown, expired or already collected; 403 `challenge_denied` when denied.
 */
export async function collectAgentKey(deps: Deps, requestId: string): Promise<AgentTokenOutcome> {
  const now = deps.now();
  const row = await findAgentRequest(deps.dbh.db, requestId);
  const gone = () => new AppError(404, "not_found", "unknown, expired or already collected agent sign-in");
  if (!row || row.expires_ms <= now || row.status === "consumed") throw gone();
  if (row.status === "denied") throw new AppError(403, "challenge_denied", "the owner denied this agent in Telegram");
  if (row.status === "pending") return { status: "pending", expires_at: new Date(row.expires_ms).toISOString() };
  const grant = grantOf(row);
  const via = row.telegram_user_id !== null && row.telegram_user_id < 0 ? "test" : "agent_signin";
  const issued = await issueAgentKey(
    deps,
    { userId: row.user_id!, name: row.name, ...grant, expiresInSeconds: row.expires_in, via },
    "api",
    [consumeAgentRequestQuery(deps.dbh.db, requestId, now)],
  );
  if (!issued) throw gone();
  return { status: "issued", issued };
}
