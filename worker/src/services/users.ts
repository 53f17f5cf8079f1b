import type { User } from "@clw/shared";
import { findUserByTelegramId, insertUserIfAbsent } from "../db/users.js";
import type { UsersTable } from "../db/schema.js";
import { auditQuery } from "./audit.js";
import type { Deps, Source } from "./deps.js";

/** The API's view of a user, as the original contract answers it. */
export function toApiUser(row: UsersTable): User {
  return { id: row.id, telegram_user_id: row.test_user ?? String(row.telegram_user_id), status: "active", created_at: row.created_at };
}

/**
 * Who a challenge names: Telegram's numeric id (an integer, or digits in a string), or, for any
 * other string, a test user by that name.
 */
export type UserRef = { telegramUserId: number } | { testUser: string };

export function parseUserRef(value: number | string): UserRef {
  if (typeof value === "number") return { telegramUserId: value };
  const id = /^[1-9]\d{0,15}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(id) ? { telegramUserId: id } : { testUser: value };
}

/**
 * The synthetic Telegram id of a test user: negative (Telegram's are positive), from the name,
 * so the same name is always the same user.
 */
export async function testUserTelegramId(name: string): Promise<number> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`clw-cash:test-user:${name}`)));
  return -(hash.slice(0, 6).reduce((n, byte) => n * 256 + byte, 0) + 1);
}

/** Finds or creates the user for a Telegram account, auditing a creation. */
export async function ensureUser(deps: Deps, telegramUserId: number, source: Source): Promise<UsersTable> {
  const cached = deps.usersByTelegramId.get(telegramUserId);
  if (cached) return cached;
  const user = (await findUserByTelegramId(deps.dbh.db, telegramUserId)) ?? (await createUser(deps, telegramUserId, null, source));
  if (deps.usersByTelegramId.size > 10_000) deps.usersByTelegramId.clear();
  deps.usersByTelegramId.set(telegramUserId, user);
  return user;
}

/** Finds or creates a test-mode user named by a string (never reachable outside test mode). */
export async function ensureTestUser(deps: Deps, name: string, source: Source): Promise<UsersTable> {
  const telegramUserId = await testUserTelegramId(name);
  const existing = await findUserByTelegramId(deps.dbh.db, telegramUserId);
  return existing ?? createUser(deps, telegramUserId, name, source);
}

async function createUser(deps: Deps, telegramUserId: number, testUser: string | null, source: Source): Promise<UsersTable> {
  const { db } = deps.dbh;
  const now = deps.now();
  const row: UsersTable = { id: crypto.randomUUID(), telegram_user_id: telegramUserId, created_at: new Date(now).toISOString(), test_user: testUser };
  const inserted = await insertUserIfAbsent(db, row);
  if (!inserted) {
    // Another request created it a moment ago.
    const existing = await findUserByTelegramId(db, telegramUserId);
    if (!existing) throw new Error("user vanished between insert and read");
    return existing;
  }
  const metadata = testUser === null ? { telegram_user_id: telegramUserId } : { test_user: testUser };
  await auditQuery(db, { action: "user.create", userId: inserted.id, source, metadata }, now).execute();
  return inserted;
}
