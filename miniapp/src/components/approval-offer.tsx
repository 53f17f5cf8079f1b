import { isPendingAction } from "@clw/shared";
import { useState } from "react";
import { haptic } from "../host.js";
import { useGuarded, useSession } from "../session-context.js";
import { failureMessage } from "../sign-in-flow.js";
import { PrimaryButton } from "./primary-button.js";
import { ErrorNotice } from "./status.js";

/**
 * Offered right after a key is created: one tap turns approval on, so agents' requests wait for
 * the owner (a new key starts without approval, so existing integrations keep working).
 */
export function ApprovalOffer({ identityId }: { identityId: string }) {
  const { api } = useSession();
  const guarded = useGuarded();
  const [state, setState] = useState<{ status: "offer" | "working" | "done" } | { status: "failed"; message: string }>({ status: "offer" });
  const turnOn = async () => {
    setState({ status: "working" });
    try {
      const policy = await guarded(() => api.getPolicy(identityId));
      // Turning approval on only tightens, so it applies at once; a 202 would mean the API saw otherwise.
      const saved = await guarded(() => api.setPolicy(identityId, { ...policy, require_approval: true }));
      if (isPendingAction(saved)) return setState({ status: "failed", message: "The API asks you to confirm this in the chat with the bot first." });
      haptic.success();
      setState({ status: "done" });
    } catch (error) {
      haptic.error();
      setState({ status: "failed", message: failureMessage(error) });
    }
  };
  if (state.status === "done") {
    return (
      <div className="notice" role="status" data-testid="approval-on">
        Approval is on: every request from an agent now waits for you in Telegram.
      </div>
    );
  }
  return (
    <section className="card offer" aria-labelledby="offer-heading">
      <h2 id="offer-heading">Ask before signing?</h2>
      <p>New keys sign whenever an agent asks. Turn approval on and each request waits for your OK in Telegram, amount and destination in front of you.</p>
      {state.status === "failed" && <ErrorNotice title="Could not turn approval on" message={state.message} />}
      <PrimaryButton text="Require my approval" onClick={() => void turnOn()} busy={state.status === "working"} testId="turn-on-approval" />
    </section>
  );
}
