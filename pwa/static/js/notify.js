// Web Push subscription for reminders: ask permission, subscribe with the server's VAPID key,
// register the subscription; turning it off unsubscribes on both sides. Every answer is a state for
// the Settings switch ({on, blocked, message}) with the message in the user's language: a failure
// names what failed (the browser's push service, the server, the network), never raw English.
import { app } from "./core.js";
import { errorText, t } from "./i18n.js";

const STORED = "kentta-push"; // "on" once the server has the subscription

/** "granted", "denied" (blocked in the site settings), "default" (not asked yet) or "unsupported". */
export function permission() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !globalThis.Notification) return "unsupported";
  return Notification.permission;
}

/** The quick answer for the first paint: granted and switched on here before. */
export function notificationsEnabled() {
  return permission() === "granted" && localStorage.getItem(STORED) === "on";
}

/** The full answer: also the browser still holds the subscription (a cleared site data loses it). */
export async function subscribed() {
  if (!notificationsEnabled()) return false;
  const registration = await navigator.serviceWorker.getRegistration();
  return Boolean(await registration?.pushManager.getSubscription().catch(() => null));
}

/** The state the switch shows when nothing is being changed: a blocked permission disables it. */
export function restingState() {
  const p = permission();
  if (p === "unsupported") return { on: false, blocked: true, message: t("push_unsupported") };
  if (p === "denied") return { on: false, blocked: true, message: t("push_blocked_howto") };
  return { on: notificationsEnabled(), blocked: false, message: "" };
}

function urlBase64ToBytes(text) {
  const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** A server or network error in the user's language; an unmapped server sentence gives way to ours. */
function reason(err) {
  if (err?.kind === "offline" || !navigator.onLine) return t("push_offline");
  if (err?.code === "invalid_subscription") return t("push_subscription_refused");
  const text = errorText(err);
  return text && text !== err?.message ? text : t("push_server_refused");
}

function failed(why) {
  return { on: false, blocked: false, message: t("push_failed_reason", { reason: why }) };
}

/** Turn reminders on or off; resolve with the switch's new state {on, blocked, message}. */
export async function setNotifications(on) {
  if (permission() === "unsupported") return restingState();
  const registration = await navigator.serviceWorker.getRegistration();
  const existing = await registration?.pushManager.getSubscription().catch(() => null);
  if (!on) {
    localStorage.setItem(STORED, "off");
    if (existing) {
      await app.api.request("DELETE", "/api/push/subscriptions", { body: existing.toJSON() }).catch(() => {});
      await existing.unsubscribe().catch(() => {});
    }
    return { ...restingState(), message: t("push_off") };
  }
  const answer = await Notification.requestPermission();
  if (answer === "denied") return restingState();
  if (answer !== "granted") return { on: false, blocked: false, message: t("push_dismissed") };
  if (!registration?.active) return failed(t("push_no_worker"));
  if (!navigator.onLine) return failed(t("push_offline"));
  let key;
  try {
    key = (await app.api.json("GET", "/api/push/vapid-public-key")).public_key;
  } catch (err) {
    return failed(reason(err));
  }
  let subscription = existing;
  try {
    subscription ||= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToBytes(key) });
  } catch (err) {
    console.warn("push subscribe failed", err); // the browser's words, for whoever debugs it
    return failed(t("push_service_failed"));
  }
  try {
    await app.api.json("POST", "/api/push/subscriptions", { body: subscription.toJSON() });
  } catch (err) {
    if (!existing) await subscription.unsubscribe().catch(() => {}); // not left half made
    return failed(reason(err));
  }
  localStorage.setItem(STORED, "on");
  return { on: true, blocked: false, message: t("push_on") };
}
