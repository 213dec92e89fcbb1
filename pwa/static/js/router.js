// Hash routes to views. Lists re-render when data changes; forms never do, so nothing a rep is
// typing is replaced under their fingers.
import { app } from "./core.js";
import { loadLanguage, preferredLanguage, t } from "./i18n.js";
import { renderChrome } from "./ui/chrome.js";
import * as today from "./ui/today.js";
import * as customers from "./ui/customers.js";
import * as card from "./ui/card.js";
import * as customerForm from "./ui/customer-form.js";
import * as visit from "./ui/visit.js";
import * as tasks from "./ui/tasks.js";
import * as attention from "./ui/attention.js";
import * as settings from "./ui/settings.js";
import * as login from "./ui/login.js";

const ROUTES = [
  [/^#\/login$/, login, []],
  [/^#\/today$/, today, []],
  [/^#\/customers$/, customers, []],
  [/^#\/customers\/new$/, customerForm, []],
  [/^#\/customers\/([\w-]+)\/edit$/, customerForm, ["id"]],
  [/^#\/customers\/([\w-]+)\/visit$/, visit, ["customerId"], { mode: "log" }],
  [/^#\/customers\/([\w-]+)\/plan$/, visit, ["customerId"], { mode: "plan" }],
  [/^#\/customers\/([\w-]+)$/, card, ["id"]],
  [/^#\/visit$/, visit, [], { mode: "pick" }],
  [/^#\/activities\/([\w-]+)\/close$/, visit, ["activityId"], { mode: "close" }],
  [/^#\/tasks$/, tasks, []],
  [/^#\/attention$/, attention, []],
  [/^#\/settings$/, settings, []],
];

let current = null;
// The server refused the token (401, e.g. token_expired): show the login screen once, at once on a
// list and after leaving a form, so nothing being typed is lost. The outbox stays as it is.
let askLogin = false;
let lastSyncStatus = null;

function match(hash) {
  for (const [pattern, view, names, extra] of ROUTES) {
    const m = pattern.exec(hash);
    if (m) return { view, params: { ...Object.fromEntries(names.map((n, i) => [n, m[i + 1]])), ...extra } };
  }
  return null;
}

export function render() {
  if (location.hash === "#/login") askLogin = false;
  if ((!app.user || askLogin) && location.hash !== "#/login") {
    askLogin = false;
    location.hash = "#/login";
    return;
  }
  const found = match(location.hash) || (location.replace("#/today"), null);
  if (!found) return;
  // A fresh element per screen: listeners bound by the last screen go with it.
  const old = document.getElementById("view");
  const root = old.cloneNode(false);
  old.replaceWith(root);
  current = found;
  const result = found.view.render(found.params, root, { refresh: false });
  root.focus({ preventScroll: true });
  renderChrome(found.view.tab || null, result?.title || t("app_name"));
}

function rerenderIfLive(kind) {
  const status = app.syncState().status;
  if (kind === "sync" && status !== lastSyncStatus) {
    if (status === "auth" && app.user && location.hash !== "#/login") askLogin = true;
    lastSyncStatus = status;
    if (askLogin && current?.view.live) return render();
  }
  renderChrome(current?.view.tab || null);
  if (kind === "data" && current?.view.live) current.view.render(current.params, document.getElementById("view"), { refresh: true });
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
      if (event.data?.type === "sync" && app.user) app.startSync();
      if (event.data?.type === "outbox") app.reloadOutbox().then(() => app.emit("data"));
      if (event.data?.type === "navigate") location.href = event.data.url;
    });
  }
  app.on(rerenderIfLive);
  window.addEventListener("hashchange", render);
  window.addEventListener("online", () => renderChrome(current?.view.tab || null));
  window.addEventListener("offline", () => renderChrome(current?.view.tab || null));
  if (!location.hash || location.hash === "#/") location.replace("#/today");
  render();
  performance.mark("first-render");
  if (app.user && (await app.store.getMeta("token"))) app.startSync();
  // For tests and the benchmark: the first screen is up, and when (ms since navigation start).
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
  document.documentElement.dataset.ready = "1";
}
