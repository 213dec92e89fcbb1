// Today: planned visits to close, due and overdue tasks (follow-ups first), customers overdue
// for contact by their segment's interval. "Log a visit" is one tap away.
import { app } from "../core.js";
import { t } from "../i18n.js";
import { today } from "../domain.js";
import { html, localDay, raw } from "./dom.js";
import { bindTaskToggles, customerRow, taskRow, visitRow } from "./parts.js";

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
  const overdueText = (item) => (item.days === Infinity ? ` · ${t("never_contacted")}` : ` · ${t("days_overdue", { n: item.days })}`);
  root.innerHTML = html`
    <div class="actions">
      <a class="button primary" href="#/visit" data-testid="log-visit">${t("log_visit")}</a>
      <a class="button" href="#/customers/new">${t("new_customer")}</a>
    </div>
    <section data-testid="today-visits"><h2>${t("today_visits")}</h2>
      ${lists.visits.length ? raw(html`<ul class="list">${lists.visits.map(visitRow).map(raw)}</ul>`) : raw(html`<p class="muted">${t("no_visits")}</p>`)}
    </section>
    <section data-testid="today-tasks"><h2>${t("today_tasks")}</h2>
      ${lists.due.length ? raw(html`<ul class="list">${lists.due.map((x) => raw(taskRow(x)))}</ul>`) : raw(html`<p class="muted">${t("no_tasks")}</p>`)}
    </section>
    <section data-testid="today-overdue"><h2>${t("today_overdue")}</h2>
      ${lists.overdue.length ? raw(html`<ul class="list">${lists.overdue.map((item) => raw(customerRow(item.entry, overdueText(item))))}</ul>`) : raw(html`<p class="muted">${t("no_overdue")}</p>`)}
    </section>`;
  if (!opts.refresh) bindTaskToggles(root);
  return { title: t("tab_today") };
}
