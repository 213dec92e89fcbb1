// The frame around every screen: title, offline banner, sync pill with the pending count, tabs.
// It is also the one reader of the sync state: the pill and Settings show syncSummary(), and
// every app event refreshes the [data-sync] fields of the screen on show (Settings), even while
// that screen is held from redrawing, so the two never disagree.
import { app } from "../core.js";
import { LOGIN_ROUTE } from "../constants.js";
import { t } from "../i18n.js";
import { fmtAgo } from "./dom.js";

/** Put one link per tab ([{tab, href}] from the screens' declarations) into the bottom bar. */
export function renderTabs(tabs) {
  const nav = document.getElementById("tabs");
  nav.replaceChildren(...tabs.map(({ tab, href }) => {
    const a = document.createElement("a");
    a.href = href;
    a.dataset.tab = tab;
    return a;
  }));
}

export function attentionCount() {
  const me = app.user?.id;
  const conflicts = app.list("conflict").filter((c) => !c.data.resolved && (!me || c.data.lost_by === me));
  return conflicts.length + app.rejected.length;
}

/**
 * The sync state in words, from sync.js's state and the outbox: status is one of idle, syncing,
 * waiting (changes queued and not being sent: offline, or the send is about to start), offline,
 * error, auth. `pill` is the short text for the header.
 */
export function syncSummary() {
  const state = app.syncState();
  const pending = app.pendingCount();
  const offline = !navigator.onLine || state.status === "offline";
  let status = state.status === "idle" && offline ? "offline" : state.status;
  if (pending && (status === "idle" || status === "offline")) status = "waiting";
  const pill = status === "syncing" ? t("syncing")
    : pending ? t("pending_n", { n: pending })
      : state.lastSync ? t("synced_ago", { ago: fmtAgo(state.lastSync) }) : t("synced_never");
  return { state, status, pending, offline, pill,
    label: t(`status_sync_${status}`, { n: pending }), last: fmtAgo(state.lastSync) };
}

/** Fill the [data-sync=status|last|pending] fields under `root` from the summary. */
export function fillSyncFields(root, summary = syncSummary()) {
  const text = { status: summary.label, last: summary.last, pending: String(summary.pending) };
  for (const el of root.querySelectorAll("[data-sync]")) {
    el.textContent = text[el.dataset.sync] ?? "";
    el.dataset.status = summary.status;
  }
}

function renderTabLabels(activeTab) {
  const count = attentionCount();
  for (const a of document.querySelectorAll("#tabs a")) {
    const tab = a.dataset.tab;
    a.replaceChildren(t(`tab_${tab}`));
    a.classList.toggle("active", tab === activeTab);
    if (tab !== "attention" || !count) continue;
    // A round badge keeps the tab on one line; the hidden brackets read "Huomio (1)" aloud.
    const badge = document.createElement("span");
    badge.className = "count";
    const hidden = (text) => Object.assign(document.createElement("span"), { className: "sr-only", textContent: text });
    badge.append(hidden(" ("), String(count), hidden(")"));
    a.append(badge);
  }
}

export function renderChrome(activeTab, title) {
  if (title) {
    document.getElementById("title").textContent = title;
    document.title = `${title} · Kenttä`;
  }
  document.getElementById("tabs").hidden = !app.user;
  renderTabLabels(activeTab);
  const summary = syncSummary();
  const { state, pending } = summary;
  const banner = document.getElementById("banner");
  banner.hidden = !summary.offline && state.status !== "auth";
  banner.textContent = state.status === "auth" ? t("banner_login_again") : t("banner_offline");
  banner.dataset.kind = state.status === "auth" ? "auth" : "offline";
  const pill = document.getElementById("sync-pill");
  pill.hidden = !app.user;
  pill.dataset.status = state.status;
  pill.dataset.pending = String(pending);
  // For tests and the benchmark: the last sync is finished and its records are on screen.
  pill.dataset.lastSync = state.status === "idle" && app.settled() ? String(state.lastSync || "") : "";
  pill.textContent = summary.pill;
  pill.onclick = () => (state.status === "auth" ? (location.hash = LOGIN_ROUTE) : app.startSync());
  fillSyncFields(document.getElementById("view"), summary);
}
