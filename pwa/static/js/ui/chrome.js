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

// Issue 17 item 16: a conflict a sync brings (my value lost to a colleague's edit at the same time)
// is told at once in a notice with a tap to the card, not only counted on the Needs attention tab.
// The ids already told about are kept on the device, so each conflict is told once.
const SEEN = "kentta-seen-conflicts";

/** A colleague's name from the profile's `people` (GET /api/me, kept offline); honest when unknown. */
export function personName(id) {
  return app.user?.people?.[id] || (id && id === app.user?.id ? app.user.name : t("someone_else"));
}

/** Pure: the unresolved conflicts lost by `me` not among `seenIds`, and the ids to remember now. */
export function freshConflicts(conflicts, me, seenIds) {
  const mine = conflicts.filter((c) => !c.data.resolved && c.data.lost_by === me);
  const seen = new Set(seenIds);
  return { fresh: mine.filter((c) => !seen.has(c.id)), remember: mine.map((c) => c.id) };
}

/** The card a conflict belongs to: its customer's, or the Needs attention list when there is none. */
export function conflictHref(conflict) {
  const { entity, record_id: id } = conflict.data;
  const customerId = entity === "customer" ? id : app.get(entity, id)?.data.customer_id;
  return customerId ? `#/customers/${customerId}` : "#/attention";
}

function conflictSentence(conflict) {
  const { entity, record_id: id, field, kept_by: by } = conflict.data;
  const d = app.get(entity, id)?.data || {};
  return t("conflict_notice", { record: d.name || d.title || d.order_no || t(`entity_${entity}`), field: t(field), name: personName(by) });
}

function noticeConflicts() {
  const me = app.user?.id;
  if (!me) return;
  let seenIds = [];
  try {
    seenIds = JSON.parse(localStorage.getItem(SEEN) || "[]");
  } catch { /* a damaged list: tell again rather than never */ }
  const { fresh, remember } = freshConflicts(app.list("conflict"), me, seenIds);
  localStorage.setItem(SEEN, JSON.stringify(remember)); // resolved ones drop out, so it never grows
  if (fresh.length && !location.hash.startsWith("#/attention")) showNotice(fresh); // that list shows them already
}

function showNotice(fresh) {
  let box = document.getElementById("conflict-notice");
  if (!box) {
    box = Object.assign(document.createElement("div"), { id: "conflict-notice", className: "notice" });
    box.setAttribute("role", "status");
    box.dataset.testid = "conflict-notice";
    document.body.append(box);
  }
  const text = Object.assign(document.createElement("span"), {
    textContent: fresh.length === 1 ? conflictSentence(fresh[0]) : t("conflict_notice_many", { count: fresh.length }),
  });
  const open = Object.assign(document.createElement("a"), {
    className: "button small", href: fresh.length === 1 ? conflictHref(fresh[0]) : "#/attention", textContent: t("conflict_show"),
  });
  open.dataset.testid = "conflict-notice-open";
  const close = Object.assign(document.createElement("button"), { type: "button", className: "close", textContent: "×" });
  close.setAttribute("aria-label", t("dismiss"));
  close.addEventListener("click", hideNotice);
  box.replaceChildren(text, open, close);
  box.hidden = false;
}

function hideNotice() {
  const box = document.getElementById("conflict-notice");
  if (box) box.hidden = true;
}

// Wired here, where the frame is drawn: a pull that changed conflicts (core.js emits "data" with
// its topics) may bring new ones; moving to another screen (the tap included) puts the notice away.
app.on((kind, topics) => {
  if (kind === "data" && (!topics || [...topics].includes("conflict"))) noticeConflicts();
});
globalThis.window?.addEventListener("hashchange", hideNotice);
