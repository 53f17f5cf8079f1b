import { expect, it } from "vitest";
import { expectApiError, signIn, useLocalStack } from "./support.js";

const stack = useLocalStack({ vars: { RATE_LIMIT_PER_USER: "5", RATE_LIMIT_WINDOW_MS: "60000" } });

it("answers 429 rate_limited with Retry-After once a user's limit trips", async () => {
  const { client } = await signIn(stack().apiUrl);
  const answers = await Promise.allSettled(Array.from({ length: 12 }, () => client.listIdentities()));
  expect(answers.some((a) => a.status === "fulfilled")).toBe(true);
  const limited = answers.find((a): a is PromiseRejectedResult => a.status === "rejected");
  expect(limited, "no call was rate limited").toBeDefined();
  const error = await expectApiError(Promise.reject(limited!.reason), 429, "rate_limited");
  expect(error.retryAfter).toBeGreaterThan(0);
});
