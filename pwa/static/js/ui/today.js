// Today: planned visits to close, due and overdue tasks (follow-ups first), customers overdue
// for contact by their segment's interval. "Log a visit" is one tap away. Under today's visits the
// agenda: the coming week's planned visits by day, so tomorrow's visit is not only on its card.
import { app } from "../core.js";
import { lang, t } from "../i18n.js";
import { agenda, shiftDay, today } from "../domain.js";
import { fmtTime, html, localDay, raw } from "./dom.js";
import { bindTaskToggles, customerName, customerRow, taskRow, visitRow } from "./parts.js";

export const screen = {
  routes: { "#/today": {} },
  tab: "today",
  // Visits, tasks and the customers overdue by their light (service levels come with the profile).
  refresh: { on: ["customer", "contact", "activity", "task", "profile"] },
};

export function render(_params, root, opts = {}) {
  const lists = app.derived("today", () => today({
    userId: app.user.id, day: localDay(), activities: app.list("activity"), tasks: app.list("task"),
    index: app.customerIndex(), intervals: app.intervals, now: Date.now(),
    dayOf: (instant) => localDay(new Date(instant)),
  }));
  const coming = app.derived("agenda", () => agenda({
    userId: app.user.id, day: localDay(), activities: app.list("activity"), dayOf: (instant) => localDay(new Date(instant)),
  }));
  const overdueText = (item) => (item.days === Infinity ? ` · ${t("never_contacted")}` : ` · ${t("days_overdue", { n: item.days })}`);
  root.innerHTML = html`
    <div class="actions">
      <a class="button primary" href="#/visit" data-testid="log-visit">${t("log_visit")}</a>
      <a class="button" href="#/customers/new">${t("new_customer")}</a>
    </div>
    <section data-testid="today-visits"><h2>${t("today_visits")}</h2>
      ${lists.visits.length ? raw(html`<ul class="list">${lists.visits.map(visitRow).map(raw)}</ul>`) : raw(html`<p class="muted">${t("no_visits")}</p>`)}
    </section>
    ${agendaSection(coming)}
    <section data-testid="today-tasks"><h2>${t("today_tasks")}</h2>
      ${lists.due.length ? raw(html`<ul class="list">${lists.due.map((x) => raw(taskRow(x)))}</ul>`) : raw(html`<p class="muted">${t("no_tasks")}</p>`)}
    </section>
    <section data-testid="today-overdue"><h2>${t("today_overdue")}</h2>
      ${lists.overdue.length ? raw(html`<ul class="list">${lists.overdue.map((item) => raw(customerRow(item.entry, overdueText(item))))}</ul>`) : raw(html`<p class="muted">${t("no_overdue")}</p>`)}
    </section>`;
  if (!opts.refresh) bindTaskToggles(root);
  return { title: t("tab_today") };
}

/** The coming days' planned visits, a heading per day ("Huomenna · maanantai 7. joulukuuta"). */
function agendaSection(days) {
  const tomorrow = shiftDay(localDay(), 1);
  const locale = lang() === "fi" ? "fi-FI" : "en-GB";
  const weekday = new Intl.DateTimeFormat(locale, { weekday: "long" });
  const date = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long" });
  const heading = (day) => {
    const noon = new Date(`${day}T12:00:00`);
    const text = `${weekday.format(noon)} ${date.format(noon)}`; // Finnish weekdays are lower case
    return day === tomorrow ? `${t("tomorrow")} · ${text}` : `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
  };
  return html`<section data-testid="agenda"><h2>${t("agenda")}</h2>
    ${days.length ? days.map((group) => html`<h3 class="agenda-day" data-day="${group.day}">${heading(group.day)}</h3>
      <ul class="list">${group.visits.map((a) => html`<li><a class="row" href="#/customers/${a.data.customer_id}" data-testid="agenda-visit">
        <span class="agenda-time">${fmtTime(a.data.starts_at)}</span><span class="grow"><strong>${customerName(a.data.customer_id)}</strong>
        <small>${a.data.title || t(`type_${a.data.type}`)}</small></span></a></li>`)}</ul>`)
    : html`<p class="muted">${t("agenda_none")}</p>`}
  </section>`;
}
