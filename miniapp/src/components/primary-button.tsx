import { useMainButton, type PrimaryAction } from "../host.js";

/**
 * The screen's primary action: Telegram's MainButton inside Telegram, a full-width button in a
 * browser. Renders nothing when Telegram draws it.
 */
export function PrimaryButton(props: PrimaryAction & { testId?: string }) {
  const native = useMainButton(props);
  if (native) return null;
  return (
    <button
      type="button"
      className="button button-primary button-block"
      onClick={props.onClick}
      disabled={props.disabled || props.busy}
      aria-busy={props.busy}
      data-testid={props.testId}
    >
      {props.busy ? "Working…" : props.text}
    </button>
  );
}
