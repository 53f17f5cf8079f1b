/**
 * What the launch's raw init data says, read without checking its signature (only the API can
 * check it): who opened the Mini App, from which link (`start_param`), and when (`auth_date`).
 * The page uses it only to choose what to offer; the API decides what it proves.
 */
export interface InitDataFacts {
  telegramUserId: number | null;
  /** The `startapp=` parameter of the link that opened the Mini App, if any. */
  startParam: string | null;
  /** Epoch milliseconds of `auth_date`, if present. */
  authDateMs: number | null;
}

/** Reads the facts of raw init data (`Telegram.WebApp.initData`); absent or malformed parts are null. */
export function initDataFacts(raw: string | undefined): InitDataFacts {
  const params = new URLSearchParams(raw ?? "");
  let telegramUserId: number | null = null;
  try {
    const user = JSON.parse(params.get("user") ?? "null") as { id?: unknown } | null;
    if (user && typeof user.id === "number" && Number.isSafeInteger(user.id) && user.id > 0) telegramUserId = user.id;
  } catch {
    telegramUserId = null;
  }
  const authDate = Number(params.get("auth_date"));
  return {
    telegramUserId,
    startParam: params.get("start_param") || null,
    authDateMs: params.has("auth_date") && Number.isFinite(authDate) && authDate > 0 ? authDate * 1000 : null,
  };
}

/**
 * True when this launch may approve request `intentId` itself: the Mini App was opened from that
 * request's Review button (`t.me/<bot>?startapp=<id>`), which is what the API checks.
 */
export function openedForRequest(raw: string | undefined, intentId: string): boolean {
  const { startParam } = initDataFacts(raw);
  return startParam !== null && startParam.toLowerCase() === intentId.toLowerCase();
}
