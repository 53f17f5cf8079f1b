import type { Session } from "@clw/shared";
import { useEffect, useRef, useState } from "react";
import { createApi } from "../api.js";
import { PrimaryButton } from "../components/primary-button.js";
import { QrCode } from "../components/qr-code.js";
import { ErrorNotice, Loading } from "../components/status.js";
import { closeMiniApp, haptic, useHost } from "../host.js";
import { botFromDeepLink } from "../routes.js";
import { runSignIn, type SignInState } from "../sign-in-flow.js";
import { signInOnce, telegramSignInFailure } from "../telegram-sign-in.js";

export interface SignInPageProps {
  /** Why the owner is here again (e.g. the session expired), shown above the sign-in. */
  notice: string | null;
  /** `bot`: the bot's username when the browser sign-in's deep link named it. */
  onSignedIn: (session: Session, via: "telegram" | "browser", bot?: string | null) => void;
}

/** Signing in: with init data inside Telegram, with a deep link / QR code in a browser. */
export function SignInPage(props: SignInPageProps) {
  const host = useHost();
  return (
    <main className="page page-narrow">
      <h1 className="title">clw.cash</h1>
      <p className="hint">Signing keys held in an enclave, controlled from Telegram.</p>
      {props.notice && <div className="notice" role="status">{props.notice}</div>}
      {host.kind === "telegram" ? <TelegramSignIn initData={host.initData} {...props} /> : <BrowserSignIn {...props} />}
    </main>
  );
}

function TelegramSignIn({ initData, onSignedIn }: SignInPageProps & { initData: string | undefined }) {
  const [state, setState] = useState<{ status: "working" } | { status: "failed"; title: string; message: string; retry: boolean }>({ status: "working" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!initData) {
      setState({ status: "failed", title: "Telegram sent no sign-in data", message: "Open clw.cash from the bot's menu button or a button in the chat.", retry: false });
      return;
    }
    let current = true;
    setState({ status: "working" });
    signInOnce(initData, (data) => createApi().authWithTelegram(data))
      .then((session) => {
        if (!current) return;
        haptic.success();
        onSignedIn(session, "telegram");
      })
      .catch((error: unknown) => {
        if (!current) return;
        haptic.error();
        setState({ status: "failed", ...telegramSignInFailure(error) });
      });
    return () => {
      current = false;
    };
  }, [initData, attempt, onSignedIn]);
  if (state.status === "working") return <Loading label="Signing you in with Telegram…" />;
  // The same init data cannot succeed twice: the way forward is a fresh launch from the chat.
  if (!state.retry) return <ErrorNotice title={state.title} message={state.message} action="Close the Mini App" onAction={closeMiniApp} />;
  return <ErrorNotice title={state.title} message={state.message} action="Try again" onAction={() => setAttempt((n) => n + 1)} />;
}

function BrowserSignIn({ onSignedIn }: SignInPageProps) {
  const [state, setState] = useState<SignInState | null>(null);
  const controller = useRef<AbortController | null>(null);
  const bot = useRef<string | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  const start = (telegramUserId?: number) => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    const onState = (next: SignInState) => {
      if (next.status === "waiting") bot.current = botFromDeepLink(next.challenge.deep_link);
      setState(next);
    };
    void runSignIn(createApi(), { telegramUserId, signal: abort.signal, onState }).then((final) => {
      if (final.status === "approved" && !abort.signal.aborted) onSignedIn(final.session, "browser", bot.current);
    });
  };
  const cancel = () => {
    controller.current?.abort();
    setState(null);
  };

  if (state === null) {
    return (
      <section className="card">
        <p>Sign in with your Telegram account. You will approve the sign-in in a chat with the clw.cash bot.</p>
        <PrimaryButton text="Sign in with Telegram" onClick={() => start()} testId="start-sign-in" />
      </section>
    );
  }
  switch (state.status) {
    case "starting":
      return <Loading label="Starting sign-in…" />;
    case "approved":
      return <Loading label="Signed in. Loading your keys…" />;
    case "test-mode":
      return <TestSignIn onSubmit={start} />;
    case "waiting":
      return <WaitingForApproval deepLink={state.challenge.deep_link} code={state.challenge.confirmation_code} onCancel={cancel} />;
    case "denied":
      return <ErrorNotice title="Sign-in denied" message="The sign-in was denied in Telegram. If that wasn't you, nothing else is needed." action="Start again" onAction={() => start()} />;
    case "expired":
      return <ErrorNotice title="The sign-in link expired" message="It was not approved in time. Start again to get a fresh link." action="Start again" onAction={() => start()} />;
    case "failed":
      return <ErrorNotice title="Could not sign you in" message={state.message} action="Try again" onAction={() => start()} />;
  }
}

function WaitingForApproval({ deepLink, code, onCancel }: { deepLink: string | null; code: string | undefined; onCancel: () => void }) {
  if (!deepLink) return <Loading label="Waiting for approval…" />;
  return (
    <section className="card center">
      <p>Open the link in Telegram and approve this sign-in.</p>
      <a className="button button-primary button-block" href={deepLink} target="_blank" rel="noreferrer">
        Open Telegram
      </a>
      <p className="hint">Or scan this code with your phone's camera:</p>
      <QrCode value={deepLink} label="QR code of the Telegram sign-in link" />
      {code && (
        <p className="hint">
          The bot will show the code <strong className="mono">{code}</strong>: approve only if it matches.
        </p>
      )}
      <Loading label="Waiting for you to approve in Telegram…" />
      <button type="button" className="link-button" onClick={onCancel}>
        Cancel
      </button>
    </section>
  );
}

function TestSignIn({ onSubmit }: { onSubmit: (telegramUserId: number) => void }) {
  const [value, setValue] = useState("");
  const id = Number(value);
  const valid = Number.isSafeInteger(id) && id > 0;
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) onSubmit(id);
      }}
    >
      <p>
        <strong>Test mode.</strong> This server has no Telegram bot configured, so you can sign in as any Telegram user id.
      </p>
      <label className="field">
        <span>Telegram user id</span>
        <input name="telegram_user_id" inputMode="numeric" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value.trim())} placeholder="e.g. 42" />
      </label>
      <button type="submit" className="button button-primary button-block" disabled={!valid}>
        Test sign-in
      </button>
    </form>
  );
}
