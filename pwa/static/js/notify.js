// Web Push subscription for reminders: ask permission, subscribe with the server's VAPID key,
// register the subscription; turning it off unsubscribes on both sides.
import { app } from "./core.js";
import { t } from "./i18n.js";

export function notificationsEnabled() {
  return globalThis.Notification?.permission === "granted" && localStorage.getItem("kentta-push") === "on";
}

function urlBase64ToBytes(text) {
  const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** Turn reminders on or off; return a message for the screen. */
export async function setNotifications(on) {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) return t("push_unsupported");
  const registration = await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  if (!on) {
    if (existing) {
      await app.api.request("DELETE", "/api/push/subscriptions", { body: existing.toJSON() }).catch(() => {});
      await existing.unsubscribe();
    }
    localStorage.setItem("kentta-push", "off");
    return t("push_off");
  }
  if ((await Notification.requestPermission()) !== "granted") return t("push_denied");
  try {
    const keyResponse = await app.api.request("GET", "/api/push/vapid-public-key");
    if (!keyResponse.ok) return t("push_server_not_ready");
    const { public_key: key } = await keyResponse.json();
    const subscription = existing || await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: urlBase64ToBytes(key),
    });
    const saved = await app.api.request("POST", "/api/push/subscriptions", { body: subscription.toJSON() });
    if (!saved.ok) return (await saved.json()).error?.message || t("push_failed");
    localStorage.setItem("kentta-push", "on");
    return t("push_on");
  } catch (err) {
    return `${t("push_failed")} (${err.message})`;
  }
}
