// Log in with e-mail and password; the token is kept in IndexedDB so the phone works offline.
import { app } from "../core.js";
import { HOME_ROUTE, LOGIN_ROUTE } from "../constants.js";
import { errorText, t } from "../i18n.js";
import { formData, html } from "./dom.js";

export const screen = { routes: { [LOGIN_ROUTE]: {} }, tab: null }; // a form: never redrawn

export function render(_params, root) {
  // Logging in again (the token expired or was revoked): the outbox waits, and work can go on offline.
  const again = app.user ? html`<p class="note" data-testid="login-again">${t("login_again_note")}</p>` : "";
  const later = app.user ? html`<a class="button" href="${HOME_ROUTE}" data-testid="login-later">${t("login_later")}</a>` : "";
  root.innerHTML = html`
    <form class="card form" id="login-form" novalidate>
      <h2>${t("login_title")}</h2>${again}
      <label>${t("email")}<input name="email" type="email" autocomplete="username" required
        value="${app.user?.email || ""}"></label>
      <label>${t("password")}<input name="password" type="password" autocomplete="current-password" required></label>
      <p class="error" id="login-error" role="alert"></p>
      <button class="primary" type="submit">${t("login")}</button>${later}
    </form>`;
  root.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit(event.target);
  });
  return { title: t("app_name") };
}

async function submit(form) {
  const error = form.querySelector("#login-error");
  const { email, password } = formData(form);
  if (!email || !password) {
    error.textContent = t("login_missing");
    return;
  }
  let response;
  try {
    // No token yet, so a 401 here is a wrong password for this form, not a session that ended.
    response = await app.api.request("POST", "/api/auth/token", {
      auth: false, body: { email, password, device_name: navigator.userAgent.slice(0, 100) },
    });
  } catch {
    error.textContent = t("login_offline");
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (response.status !== 201) {
    const minutes = Math.ceil(Number(response.headers.get("Retry-After")) / 60);
    // Worded by the error's code in the app's language (the server words it in English for integrations).
    const refused = { status: response.status, code: body.error?.code, message: body.error?.message };
    error.textContent = response.status !== 429 ? (errorText(refused) || t("login_failed"))
      : minutes > 0 ? t("login_throttled_minutes", { count: minutes }) : t("login_throttled");
    return;
  }
  const previous = app.user;
  if (previous && previous.id !== body.user.id && app.pendingCount()) {
    // Someone else's unsynced edits must not be pushed under this login.
    error.textContent = t("login_other_user_pending");
    return;
  }
  if (previous && previous.id !== body.user.id) await app.logout();
  await app.setSession(body.token, body.user);
  await refreshProfile();
  location.hash = HOME_ROUTE;
  app.startSync();
}

/** Fetch /api/me (calendar link) and the service levels; keep them for offline use. */
export async function refreshProfile() {
  try {
    const me = await app.api.request("GET", "/api/me");
    if (me.ok) await app.setUser(await me.json());
    const levels = await app.api.request("GET", "/api/service-levels");
    if (levels.ok) {
      const body = await levels.json();
      app.intervals = Object.fromEntries(body.items.map((l) => [l.segment, l.visit_interval_days]));
      await app.store.setMeta("service_levels", app.intervals);
    }
  } catch {
    /* offline, or the token was refused (api.js has told the app): the saved copies stay in use */
  }
}
