import { ClwApiError, type Session } from "@clw/shared";
import { failureMessage } from "./sign-in-flow.js";

const inFlight = new Map<string, Promise<Session>>();

/**
 * Signs in with this launch's init data, sending it once however many times it is asked for
 * while the first answer is awaited (React runs a mount's effects twice in development, and init
 * data signs in only once). Settled attempts are forgotten: asking again sends it again.
 */
export function signInOnce(initData: string, signIn: (initData: string) => Promise<Session>): Promise<Session> {
  const known = inFlight.get(initData);
  if (known) return known;
  const attempt = signIn(initData);
  inFlight.set(initData, attempt);
  const forget = () => void inFlight.delete(initData);
  attempt.then(forget, forget);
  return attempt;
}

/** Why a Telegram sign-in failed, and whether trying again with the same launch can help. */
export function telegramSignInFailure(error: unknown): { title: string; message: string; retry: boolean } {
  if (error instanceof ClwApiError && error.code === "init_data_used") {
    return {
      title: "This launch already signed in once",
      message: "Telegram's sign-in data works once. Close the Mini App and open it again from the bot to sign in.",
      retry: false,
    };
  }
  if (error instanceof ClwApiError && error.status === 401) {
    return { title: "Telegram sign-in was refused", message: `${failureMessage(error)}. Close the Mini App and open it again from the bot.`, retry: false };
  }
  return { title: "Could not sign you in", message: failureMessage(error), retry: true };
}
