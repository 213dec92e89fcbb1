// Small pieces several screens show: a customer row with its light, a task row, a visit row.
import { app } from "../core.js";
import { t } from "../i18n.js";
import { esc, fmtDate, fmtDateTime, html, raw } from "./dom.js";
import { light, matchRanges, matchReason } from "../domain.js";

export function lightDot(entry) {
  const colour = light(entry.record.data.segment, entry.lastContact, app.intervals);
  return html`<span class="light light-${colour}" title="${t(`light_${colour}`)}" data-light="${colour}"></span>`;
}

/**
 * A customer's row. With `query` (a search) the matched words are marked, and when the name does
 * not explain the match the row says what did ("Yhteyshenkilö: Matti Virtanen"); `href` sends the
 * tap elsewhere than the card (the visit picker opens the visit form).
 */
export function customerRow(entry, extra = "", { query = "", href = `#/customers/${entry.record.id}` } = {}) {
  const d = entry.record.data;
  const mark = (text, opts) => (query ? marked(String(text), matchRanges(String(text), query, opts)) : text);
  const why = query ? matchReason(entry, query) : null;
  const place = [d.city ? mark(d.city) : "", d.segment ? `${t("segment")} ${d.segment}` : ""].filter((part) => part !== "");
  return html`<li><a class="row" href="${href}" data-testid="customer-row">
    ${raw(lightDot(entry))}<span class="grow"><strong>${mark(d.name)}</strong>
    <small>${place.map((part, i) => html`${i ? " · " : ""}${part}`)}${extra}</small>
    ${why && why.field !== "city" ? html`<small class="why" data-testid="match-reason">${t(why.field)}: ${mark(why.text,
    { digits: why.field === "phone" })}</small>` : ""}</span>
    ${entry.record.pending ? raw(`<span class="badge">${t("pending")}</span>`) : ""}</a></li>`;
}

/** `text` escaped, with each [start, end) range in <mark>. */
function marked(text, ranges) {
  let out = "";
  let at = 0;
  for (const [start, end] of ranges) {
    out += `${esc(text.slice(at, start))}<mark>${esc(text.slice(start, end))}</mark>`;
    at = end;
  }
  return raw(out + esc(text.slice(at)));
}

export function customerName(id) {
  return app.get("customer", id)?.data.name || t("unknown_customer");
}

export function taskRow(task, { showCustomer = true } = {}) {
  const d = task.data;
  const overdue = d.due_on && d.due_on < new Date().toISOString().slice(0, 10);
  return html`<li class="row task ${d.status === "done" ? "done" : ""}" data-testid="task-row">
    <button class="check" type="button" data-action="toggle-task" data-id="${task.id}"
      aria-label="${t(d.status === "done" ? "reopen" : "mark_done")}">${d.status === "done" ? "✓" : ""}</button>
    <a class="grow" href="#/customers/${d.customer_id}">
      <strong>${d.kind === "follow_up" ? raw(`<span class="tag">${t("kind_follow_up")}</span> `) : ""}${d.title}</strong>
      <small class="${overdue ? "late" : ""}">${showCustomer ? customerName(d.customer_id) + " · " : ""}${fmtDate(d.due_on)}</small>
    </a></li>`;
}

export function visitRow(activity) {
  const d = activity.data;
  return html`<li class="row" data-testid="visit-row">
    <a class="grow" href="#/customers/${d.customer_id}"><strong>${d.title || t(`type_${d.type}`)}</strong>
      <small>${fmtDateTime(d.starts_at)} · ${customerName(d.customer_id)}</small></a>
    <a class="button small" href="#/activities/${activity.id}/close" data-testid="close-visit" data-keyboard>${t("close_visit")}</a></li>`;
}

/** Tasks: tap the box to mark done (or open again). */
export function bindTaskToggles(root) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action=toggle-task]");
    if (!button) return;
    const task = app.get("task", button.dataset.id);
    if (task) app.put("task", task.id, { status: task.data.status === "done" ? "open" : "done" });
  });
}
