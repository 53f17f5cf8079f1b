import type { ReactNode } from "react";

/** The loading state every fetch shows while it waits. */
export function Loading({ label }: { label: string }) {
  return (
    <div className="status" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** A failure, said plainly, with the way forward as a button. */
export function ErrorNotice({ title, message, action, onAction, children }: {
  title: string;
  message: string;
  action?: string;
  onAction?: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title}</strong>
      <p>{message}</p>
      {children}
      {action && onAction && (
        <button type="button" className="button button-secondary" onClick={onAction}>
          {action}
        </button>
      )}
    </div>
  );
}
