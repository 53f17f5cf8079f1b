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
