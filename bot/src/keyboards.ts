import type { Identity } from "@clw/shared";
import { InlineKeyboard } from "grammy";
import { firstListed, shortId } from "./texts.js";

/** Callback data, one place: `<feature>:<action>[:<id>]` (≤ 64 bytes). */
export const CB = {
  approveSignIn: (challengeId: string) => `signin:approve:${challengeId}`,
  denySignIn: (challengeId: string) => `signin:deny:${challengeId}`,
  startSign: (identityId: string) => `sign:start:${identityId}`,
  pickToSign: (identityId: string) => `sign:pick:${identityId}`,
  confirmSign: "sign:confirm",
  cancelSign: "sign:cancel",
  pickToDestroy: (identityId: string) => `destroy:pick:${identityId}`,
  confirmDestroy: (identityId: string) => `destroy:confirm:${identityId}`,
  keep: "destroy:keep",
} as const;

export const signInKeyboard = (challengeId: string) =>
  new InlineKeyboard().text("✅ Approve", CB.approveSignIn(challengeId)).text("🚫 Deny", CB.denySignIn(challengeId));

export const agentRequestKeyboard = (requestId: string) =>
  new InlineKeyboard().text("✅ Approve", `agent:approve:${requestId}`).text("🚫 Deny", `agent:deny:${requestId}`);

export const openAppKeyboard = (url: string) => new InlineKeyboard().webApp("Open clw.cash", url);

export const identityActions = (identities: Identity[]) => {
  const keyboard = new InlineKeyboard();
  for (const identity of firstListed(identities).shown) {
    keyboard.text(`✍️ Sign with ${shortId(identity.id)}`, CB.startSign(identity.id)).text("🗑 Destroy", CB.pickToDestroy(identity.id)).row();
  }
  return keyboard;
};

export const pickKeyboard = (identities: Identity[], data: (id: string) => string, cancel: string) => {
  const keyboard = new InlineKeyboard();
  for (const identity of firstListed(identities).shown) keyboard.text(shortId(identity.id), data(identity.id)).row();
  return keyboard.text("Cancel", cancel);
};

export const confirmSignKeyboard = new InlineKeyboard().text("✍️ Sign", CB.confirmSign).text("Cancel", CB.cancelSign);

export const confirmDestroyKeyboard = (identityId: string) =>
  new InlineKeyboard().text("🗑 Yes, destroy it forever", CB.confirmDestroy(identityId)).row().text("Keep it", CB.keep);
