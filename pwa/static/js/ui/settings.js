// Settings: sync state and Sync now, the calendar subscription link, notifications, language,
// and logout (which warns first when unsynced changes would be lost).
import { app } from "../core.js";
import { LOGIN_ROUTE } from "../constants.js";
import { lang, loadLanguage, serverText, t } from "../i18n.js";
import { html, toast } from "./dom.js";
import { fillSyncFields } from "./chrome.js";
import { refreshProfile } from "./login.js";
import { restingState, setNotifications, subscribed } from "../notify.js";

export const screen = {
  routes: { "#/settings": {} },
  tab: "settings",
  // The sync state and pending count; the calendar links and name. Not while a field has the
  // focus: the language list may be open, or the calendar link selected for copying.
  refresh: { on: ["sync", "outbox", "profile"], hold: (root) => root.contains(document.activeElement) && document.activeElement !== root },
};

export function render(_params, root, opts = {}) {
  const state = app.syncState();
  const user = app.user;
  const https = user.calendar_url || "";
  const webcal = https.replace(/^https?:\/\//, "webcal://");
  root.innerHTML = html`
    <section class="card" data-testid="sync-state">
      <h2>${t("sync")}</h2>
      <p>${t("sync_status")}: <b data-testid="sync-status" data-sync="status"></b></p>
      <p>${t("last_sync")}: <span data-sync="last"></span></p>
      <p>${t("pending_changes")}: <b data-testid="pending-count" data-sync="pending"></b></p>
      ${state.lastError ? html`<p class="error">${serverText(state.lastError)}</p>` : ""}
      <button class="primary" type="button" id="sync-now" data-testid="sync-now">${t("sync_now")}</button>
    </section>
    <section class="card">
      <h2>${t("calendar")}</h2>
      ${https ? html`
        <p><a class="button primary" href="${webcal}" data-testid="webcal-link">${t("subscribe_calendar")}</a></p>
        <label>${t("calendar_link_copy")}<input readonly value="${https}" data-testid="calendar-https" id="cal-url"></label>
        <button type="button" id="copy-cal">${t("copy")}</button>
        ${user.team_calendar_url ? html`<p><a class="button" href="${user.team_calendar_url.replace(/^https?:\/\//, "webcal://")}"
          data-testid="team-webcal">${t("subscribe_team_calendar")}</a></p>` : ""}
        <details><summary>${t("calendar_howto")}</summary>
          <p>${t("howto_outlook")}</p><p>${t("howto_google")}</p><p>${t("howto_phone")}</p></details>`
      : html`<p class="muted">${t("calendar_offline")}</p>`}
    </section>
    <section class="card">
      <h2>${t("notifications")}</h2>
      <label class="check-label"><input type="checkbox" id="notify" data-testid="notify" aria-describedby="notify-msg"> ${t("notifications_on")}</label>
      <p class="muted" id="notify-msg" data-testid="notify-msg" role="status"></p>
    </section>
    <section class="card">
      <h2>${t("language")}</h2>
      <select id="lang"><option value="fi" ${lang() === "fi" ? "selected" : ""}>Suomi</option>
        <option value="en" ${lang() === "en" ? "selected" : ""}>English</option></select>
    </section>
    <section class="card">
      <p>${user.name} · ${user.email}</p>
      <button type="button" id="logout" data-testid="logout">${t("logout")}</button>
    </section>`;
  // The same words as the pill, from chrome.js; it updates them on every sync event after this.
  fillSyncFields(root);
  root.querySelector("#sync-now").addEventListener("click", () => app.startSync());
  root.querySelector("#copy-cal")?.addEventListener("click", () => {
    navigator.clipboard?.writeText(https).then(() => toast(t("copied")), () => root.querySelector("#cal-url").select());
  });
  bindReminders(root, Boolean(opts.refresh));
  root.querySelector("#lang").addEventListener("change", async (e) => {
    await app.store.setMeta("lang", e.target.value);
    await loadLanguage(e.target.value);
    app.emit("lang"); // the router redraws the screen, its title and the tabs in the new language
  });
  root.querySelector("#logout").addEventListener("click", logout);
  if (!opts.refresh && navigator.onLine) {
    refreshProfile().then(() => app.emit("data", ["profile"]));
  }
  return { title: t("tab_settings") };
}

// The reminders switch shows what is true: off and disabled while the browser blocks notifications
// (with how to allow them), on only with the permission and a subscription the server has; busy
// while subscribing; back off with the reason when that fails. Kept across the screen's refreshes.
let lastMessage = "";
let busy = null; // while changing: the value being set

function showReminders(root, { on, blocked, message }) {
  const input = root.querySelector("#notify");
  input.checked = on;
  input.disabled = blocked || busy !== null;
  input.setAttribute("aria-busy", String(busy !== null));
  root.querySelector("#notify-msg").textContent = busy !== null ? t(busy ? "push_enabling" : "push_disabling") : message || lastMessage;
}

function bindReminders(root, refresh) {
  if (!refresh) lastMessage = "";
  const rest = restingState();
  showReminders(root, { ...rest, on: busy ?? rest.on });
  // The permission or the subscription may have gone since (site settings, cleared data): check.
  if (busy === null && rest.on) subscribed().then((on) => !on && busy === null && showReminders(root, { ...restingState(), on }));
  root.querySelector("#notify").addEventListener("change", async (e) => {
    busy = e.target.checked;
    showReminders(root, { on: e.target.checked, blocked: false });
    let state;
    try {
      state = await setNotifications(e.target.checked);
    } catch (err) {
      console.warn("reminders switch", err);
      state = { on: false, blocked: false, message: t("push_failed_reason", { reason: t("push_service_failed") }) };
    }
    busy = null;
    lastMessage = state.message;
    const view = document.getElementById("view"); // a refresh may have drawn the screen again meanwhile
    if (view.querySelector("#notify")) showReminders(view, state);
  });
}

async function logout() {
  const pending = app.pendingCount() + app.rejected.length;
  if (pending && !confirm(t("logout_warning", { n: pending }))) return;
  await app.logout();
  location.hash = LOGIN_ROUTE;
}
