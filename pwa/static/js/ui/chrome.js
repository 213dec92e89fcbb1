// The frame around every screen: title, offline banner, sync pill with the pending count, tabs.
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

export function renderChrome(activeTab, title) {
  if (title) {
    document.getElementById("title").textContent = title;
    document.title = `${title} · Kenttä`;
  }
  const tabs = document.getElementById("tabs");
  tabs.hidden = !app.user;
  for (const a of tabs.querySelectorAll("a")) {
    const tab = a.dataset.tab;
    const badge = tab === "attention" && attentionCount() ? ` (${attentionCount()})` : "";
    a.textContent = t(`tab_${tab}`) + badge;
    a.classList.toggle("active", tab === activeTab);
  }
  const state = app.syncState();
  const offline = !navigator.onLine || state.status === "offline";
  const banner = document.getElementById("banner");
  banner.hidden = !offline && state.status !== "auth";
  banner.textContent = state.status === "auth" ? t("banner_login_again") : t("banner_offline");
  banner.dataset.kind = state.status === "auth" ? "auth" : "offline";
  const pill = document.getElementById("sync-pill");
  pill.hidden = !app.user;
  const pending = app.pendingCount();
  pill.dataset.status = state.status;
  pill.dataset.pending = String(pending);
  // For tests and the benchmark: the last sync is finished and its records are on screen.
  pill.dataset.lastSync = state.status === "idle" && app.settled() ? String(state.lastSync || "") : "";
  pill.textContent = state.status === "syncing" ? t("syncing")
    : pending ? t("pending_n", { n: pending }) : t("synced_ago", { ago: fmtAgo(state.lastSync) });
  pill.onclick = () => (state.status === "auth" ? (location.hash = LOGIN_ROUTE) : app.startSync());
}
