import { renderUnicodeCompact } from "uqr";

/**
 * A QR code of `text` for a terminal, two modules per character: uqr draws the light modules as
 * blocks, which reads right on the usual dark terminal; the light border is the quiet zone.
 */
export function terminalQr(text: string): string {
  return renderUnicodeCompact(text, { ecc: "M", border: 2 });
}
