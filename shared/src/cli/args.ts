import { usageError } from "./errors.js";

/** An integer flag within bounds. @throws a usage error naming the flag. */
export function intArg(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw usageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  return Number(value);
}

/** `--telegram-user-id`: Telegram's numeric id, or (test mode) a test user's name. */
export const telegramUserArg = (value: string | undefined): number | string | undefined => (value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : value);

/** A comma-separated list (`sign,read`), empty parts left out. */
export const listArg = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : value.split(",").map((part) => part.trim()).filter(Boolean);
