// Hash routes to screens. Routes, tabs and refresh rules come from each screen's declaration
// (screens.js says the contract); this module only keeps the list of screens and applies them.
import { app } from "./core.js";
import { HOME_ROUTE, LOGIN_ROUTE, MESSAGE } from "./constants.js";
import { loadLanguage, preferredLanguage, t } from "./i18n.js";
import { buildRoutes, buildTabs, holds, matchRoute, refreshes } from "./screens.js";
import { renderChrome, renderTabs } from "./ui/chrome.js";
import { keepKeyboard, toast } from "./ui/dom.js";
import { installProgress } from "./ui/progress.js";
import * as today from "./ui/today.js";
import * as customers from "./ui/customers.js";
import * as card from "./ui/card.js";
import * as customerForm from "./ui/customer-form.js";
import * as visit from "./ui/visit.js";
import * as tasks from "./ui/tasks.js";
import * as attention from "./ui/attention.js";
import * as settings from "./ui/settings.js";
import * as login from "./ui/login.js";
import * as nearby from "./ui/nearby.js";

/** Every screen of the app; the tabs appear in this order. */
export const SCREENS = [today, customers, tasks, attention, settings, card, customerForm, visit, nearby, login];
const ROUTES = buildRoutes(SCREENS);
const TABS = buildTabs(SCREENS);

let current = null;
// The server refused the token (401, e.g. token_expired): show the login screen once, at once on a
// screen that may be redrawn and after leaving a form, so nothing being typed is lost. The outbox
// stays as it is.
let askLogin = false;

// Scroll positions by history entry: a new screen opens at the top, Back returns to where the rep
// was. Each entry gets a key in history.state (a link or location.hash makes a fresh entry with none).
const scrolls = new Map();
const entryKey = () => history.state?.kenttaScroll;

const view = () => document.getElementById("view");
const activeTab = () => current?.view.screen.tab || null;

export function render() {
  if (location.hash === LOGIN_ROUTE) askLogin = false;
  if ((!app.user || askLogin) && location.hash !== LOGIN_ROUTE) {
    askLogin = false;
    location.hash = LOGIN_ROUTE;
    return;
  }
  const found = matchRoute(ROUTES, location.hash) || (location.replace(HOME_ROUTE), null);
  if (!found) return;
  // A fresh element per screen: listeners bound by the last screen go with it.
  const old = view();
  const root = old.cloneNode(false);
  old.replaceWith(root);
  current = found;
  const result = found.view.render(found.params, root, { refresh: false });
  root.focus({ preventScroll: true });
  renderChrome(activeTab(), result?.title || t("app_name"));
  restoreScroll();
}

function restoreScroll() {
  let key = entryKey();
  if (!key) {
    key = crypto.randomUUID();
    history.replaceState({ ...history.state, kenttaScroll: key }, "");
  }
  window.scrollTo(0, scrolls.get(key) || 0);
}

const SYNC_STATE = new Set(["sync"]);

/** Apply the current screen's refresh rule to an app event ("data" with its topics, "sync", "auth"). */
function onAppEvent(kind, topics) {
  const screen = current?.view.screen;
  if (kind === "resync") toast(t("resynced"));
  if (kind === "lang") return render(); // everything, the title too, in the new language
  if (kind === "auth" && app.user && location.hash !== LOGIN_ROUTE) {
    askLogin = true;
    if (screen?.refresh && !holds(screen, view())) return render();
  }
  const changed = kind === "sync" ? SYNC_STATE : kind === "data" ? topics : new Set();
  let title;
  if (screen && refreshes(screen, changed) && !holds(screen, view())) {
    title = current.view.render(current.params, view(), { refresh: true })?.title; // e.g. a renamed customer
  }
  renderChrome(activeTab(), title);
}

export async function boot() {
  performance.mark("boot");
  await app.init();
  performance.mark("data-loaded");
  await loadLanguage(preferredLanguage(await app.store.getMeta("lang")));
  performance.mark("lang-loaded");
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" }).catch((err) => console.warn("service worker", err));
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data?.type === MESSAGE.sync && app.user) app.startSync();
      if (event.data?.type === MESSAGE.outbox) app.outboxChanged();
      if (event.data?.type === MESSAGE.navigate) location.href = event.data.url;
    });
  }
  renderTabs(TABS);
  app.on(onAppEvent);
  installProgress(); // a long first sync's "records so far of about how many", over every screen
  window.addEventListener("hashchange", render);
  // A link marked data-keyboard opens a form that focuses a text field (closing a visit).
  document.addEventListener("click", (event) => {
    if (event.target.closest("a[data-keyboard]")) keepKeyboard();
  });
  history.scrollRestoration = "manual"; // restoreScroll() decides, after the screen is drawn
  window.addEventListener("scroll", () => {
    if (entryKey()) scrolls.set(entryKey(), window.scrollY);
  }, { passive: true });
  window.addEventListener("online", () => renderChrome(activeTab()));
  window.addEventListener("offline", () => renderChrome(activeTab()));
  if (!location.hash || location.hash === "#/") location.replace(HOME_ROUTE);
  render();
  performance.mark("first-render");
  if (app.user && (await app.store.getMeta("token"))) app.startSync();
  // For tests and the benchmark: the first screen is up, and when (ms since navigation start).
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
  document.documentElement.dataset.ready = "1";
}
