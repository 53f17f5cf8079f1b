import { useEffect, useState } from "react";
import { haptic } from "../host.js";

/** Copies `value` to the clipboard and says so for a moment. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 1800);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      haptic.success();
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  const text = state === "copied" ? "Copied" : state === "failed" ? "Copy failed: select the text" : label;
  return (
    <button type="button" className="button button-small" onClick={copy} aria-live="polite">
      {text}
    </button>
  );
}
