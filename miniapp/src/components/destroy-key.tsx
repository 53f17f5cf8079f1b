import { type Identity, isPendingAction, type PendingAction } from "@clw/shared";
import { lazy, Suspense, useState } from "react";
import { haptic, useHost } from "../host.js";
import { actionOutcomeWords, type ActionProgress } from "../owner-action-flow.js";
import { proofRefusalWords, withPresence } from "../presence.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { ErrorNotice, Loading } from "./status.js";

// Only needed once a destroy waits for the chat: kept out of the first load.
const ConfirmInChat = lazy(() => import("./confirm-in-chat.js").then((m) => ({ default: m.ConfirmInChat })));

type Step =
  | { name: "idle" | "confirm" | "working" }
  | { name: "waiting"; action: PendingAction; proofRefused: string | null }
  | { name: "refused"; title: string; message: string };

/**
 * Destroying a key, after an explicit confirmation. It needs the owner in Telegram: inside the
 * Mini App the launch's init data proves it and the key goes at once; otherwise (a browser, or a
 * proof already used) the bot asks in the chat and this section follows the answer.
 */
export function DestroyKey({ identity, label, onDestroyed }: { identity: Identity; label: string; onDestroyed: () => void }) {
  const host = useHost();
  const { api } = useSession();
  const guarded = useGuarded();
  const [step, setStep] = useState<Step>({ name: "idle" });
  const [error, setError] = useState<string | null>(null);
  const destroy = async () => {
    setStep({ name: "working" });
    setError(null);
    try {
      const proof = host.kind === "telegram" ? host.initData : undefined;
      const { value, proofRefused } = await guarded(() => withPresence((initData) => api.destroyIdentity(identity.id, { initData }), proof));
      if (isPendingAction(value)) {
        haptic.warning();
        return setStep({ name: "waiting", action: value, proofRefused: proofRefused ? proofRefusalWords(proofRefused) : null });
      }
      haptic.success();
      onDestroyed();
    } catch (e) {
      haptic.error();
      setError(failureMessage(e));
      setStep({ name: "confirm" });
    }
  };
  const settle = (progress: ActionProgress) => {
    if (progress.status === "confirmed") {
      haptic.success();
      return onDestroyed();
    }
    haptic.warning();
    const words = progress.status === "unknown" || progress.status === "pending_confirmation" ? { title: "Lost track of the request", message: "Check your keys and the chat with the bot." } : actionOutcomeWords("destroy", progress.status, progress.action.decided_via);
    setStep({ name: "refused", ...words });
  };

  return (
    <section className="card danger-zone" aria-labelledby="destroy-heading">
      <h2 id="destroy-heading">Destroy this key</h2>
      {step.name === "refused" && <ErrorNotice title={step.title} message={step.message} />}
      {(step.name === "idle" || step.name === "refused") && (
        <>
          <p className="hint">Nothing can sign with it afterwards. Funds sent to its address would be lost.</p>
          <button type="button" className="button button-danger" onClick={() => { haptic.warning(); setStep({ name: "confirm" }); }}>
            Destroy key…
          </button>
        </>
      )}
      {(step.name === "confirm" || step.name === "working") && (
        <div role="alertdialog" aria-labelledby="confirm-text">
          <p id="confirm-text">
            <strong>Destroy {label} for good?</strong> This cannot be undone: the enclave forgets the key and every future signature is refused.
          </p>
          {error && <ErrorNotice title="Could not destroy the key" message={error} />}
          <div className="button-row">
            <button type="button" className="button button-secondary" onClick={() => setStep({ name: "idle" })} disabled={step.name === "working"}>
              Keep it
            </button>
            <button type="button" className="button button-danger" onClick={destroy} disabled={step.name === "working"}>
              {step.name === "working" ? "Destroying…" : "Yes, destroy it"}
            </button>
          </div>
        </div>
      )}
      {step.name === "waiting" && (
        <Suspense fallback={<Loading label="Asking you in Telegram…" />}>
          <ConfirmInChat action={step.action} proofRefused={step.proofRefused} onSettled={settle} />
        </Suspense>
      )}
    </section>
  );
}
