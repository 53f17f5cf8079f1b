import type { Session } from "@clw/shared";
import { isExpiredError, validate } from "@telegram-apps/init-data-node/web";
import { z } from "zod";
import { AppError } from "../errors.js";
import type { Deps } from "./deps.js";
import { claimInitDataUse } from "../db/init-data-uses.js";
import { openSession } from "./sessions.js";
import { ensureUser } from "./users.js";
import { sha256Hex } from "./random.js";

/** Init data that is not signed with this bot's token (tampered, forged, another bot's). */
export class InitDataInvalidError extends Error {
  override readonly name = "InitDataInvalidError";
}

/** Init data whose `auth_date` is older than the configured bound (or in the future). */
export class InitDataExpiredError extends Error {
  override readonly name = "InitDataExpiredError";
}

/** Init data that is genuine but names no Telegram user (e.g. opened from an inline query). */
export class InitDataUserMissingError extends Error {
  override readonly name = "InitDataUserMissingError";
}

const telegramUserSchema = z.object({ id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Tolerance for a client clock slightly ahead of Telegram's. */
const FUTURE_SKEW_SECONDS = 60;

/** What genuine init data vouches for: the Telegram user, and the start param the Mini App was opened with. */
export interface InitDataProof {
  telegramUserId: number;
  startParam: string | null;
}

/**
 * Checks raw Mini App init data against the bot token (HMAC-SHA256 per Telegram's spec) and the
 * freshness bound, and returns what it vouches for.
 * @throws InitDataInvalidError, InitDataExpiredError, InitDataUserMissingError.
 */
export async function verifyInitData(raw: string, botToken: string, maxAgeSeconds: number, nowMs: number): Promise<InitDataProof> {
  try {
    await validate(raw, botToken, { expiresIn: maxAgeSeconds });
  } catch (error) {
    if (isExpiredError(error)) throw new InitDataExpiredError("the init data is too old");
    throw new InitDataInvalidError("the init data is not signed by this bot");
  }
  const params = new URLSearchParams(raw);
  const authDate = Number(params.get("auth_date"));
  if (authDate * 1000 > nowMs + FUTURE_SKEW_SECONDS * 1000) throw new InitDataExpiredError("the init data is dated in the future");
  let user: unknown;
  try {
    user = JSON.parse(params.get("user") ?? "null");
  } catch {
    throw new InitDataUserMissingError("the init data's user is not JSON");
  }
  const parsed = telegramUserSchema.safeParse(user);
  if (!parsed.success) throw new InitDataUserMissingError("the init data names no Telegram user");
  return { telegramUserId: parsed.data.id, startParam: params.get("start_param") };
}

/**
 * Signs the owner in from the Mini App: validates the init data and spends it (init data signs
 * in once), then finds or creates the user and opens a Mini App session. Nothing else is written
 * unless the init data is genuine, fresh and unused.
 * @throws AppError 503 `misconfigured` without a bot token; 401 `unauthorized` for bad or used init data.
 */
export async function signInWithInitData(deps: Deps, initData: string): Promise<Session> {
  const { telegramUserId } = await verifyInitDataOrThrow(deps, initData, deps.config.initDataMaxAgeSeconds);
  await spendInitData(deps, initData, "signin", deps.config.initDataMaxAgeSeconds);
  const user = await ensureUser(deps, telegramUserId, "miniapp");
  return openSession(deps, user, "miniapp", { challengeId: null, via: "miniapp", clientLabel: null });
}

/**
 * Records that this init data was used for `purpose`; each proves presence once per purpose
 * (until it could no longer be fresh, after which it is refused as stale anyway).
 * @throws AppError 401 `init_data_used` when it was used for this purpose before.
 */
export async function spendInitData(deps: Deps, initData: string, purpose: "signin" | "approve" | "action", maxAgeSeconds: number): Promise<void> {
  const hash = await sha256Hex(initData);
  const now = deps.now();
  const expiresMs = now + (maxAgeSeconds + FUTURE_SKEW_SECONDS) * 1000;
  if (!(await claimInitDataUse(deps.dbh.db, hash, purpose, now, expiresMs))) {
    throw new AppError(401, "init_data_used", "this Telegram proof was already used; reopen the Mini App from Telegram");
  }
}

/**
 * What genuine init data, no older than `maxAgeSeconds`, vouches for.
 * @throws AppError 503 `misconfigured` without a bot token; 401 `init_data_invalid` / `init_data_expired`.
 */
export async function verifyInitDataOrThrow(deps: Deps, initData: string, maxAgeSeconds: number): Promise<InitDataProof> {
  const { botToken } = deps.config.telegram;
  if (!botToken) throw new AppError(503, "misconfigured", "Telegram init data cannot be checked: set TELEGRAM_BOT_TOKEN");
  try {
    return await verifyInitData(initData, botToken, maxAgeSeconds, deps.now());
  } catch (error) {
    if (error instanceof InitDataExpiredError) throw new AppError(401, "init_data_expired", "the Telegram init data has expired; reopen the Mini App");
    if (error instanceof InitDataUserMissingError) throw new AppError(401, "init_data_invalid", "the Telegram init data names no user");
    if (error instanceof InitDataInvalidError) throw new AppError(401, "init_data_invalid", "the Telegram init data is not valid for this bot");
    throw error;
  }
}
