const SATS_PER_BTC = 100_000_000;

/** "42,000 sats" (or "1 sat"): an amount as the owner reads it first. */
export function formatSats(sats: number): string {
  return `${sats.toLocaleString("en")} ${sats === 1 ? "sat" : "sats"}`;
}

/** "0.00042 BTC": the same amount in bitcoin, exact (integer arithmetic, no float rounding). */
export function formatBtc(sats: number): string {
  const whole = Math.floor(sats / SATS_PER_BTC);
  const fraction = String(sats % SATS_PER_BTC).padStart(8, "0").replace(/0+$/, "");
  return `${whole.toLocaleString("en")}${fraction ? `.${fraction}` : ""} BTC`;
}

/** "9:05" or "1:02:03": what is left of `msLeft`, rounded up to the second; "0:00" once over. */
export function formatCountdown(msLeft: number): string {
  const total = Math.max(0, Math.ceil(msLeft / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}
