// Log, close or plan a visit. From Today: "Log visit", tap the customer, type the notes, Save —
// three taps; closing a planned visit is "Close", notes, Save. The title is prefilled as
// "customer – site – purpose" and follows the type until the rep edits it.
import { app } from "../core.js";
import { t } from "../i18n.js";
import { searchCustomers, visitTitle } from "../domain.js";
import { validate } from "../validate.js";
import { addDays, formData, html, localDay, options, toast } from "./dom.js";
import { customerRow } from "./parts.js";

const TYPES = ["visit", "call", "email", "training", "meeting", "other"];

// Forms (and the customer pick list that leads to one): no refresh, nothing redrawn while typing.
export const screen = {
  routes: {
    "#/visit": { mode: "pick" },
    "#/customers/:customerId/visit": { mode: "log" },
    "#/customers/:customerId/plan": { mode: "plan" },
    "#/activities/:activityId/close": { mode: "close" },
  },
  tab: null,
};

export function render(params, root) {
  if (params.mode === "pick") return pick(root);
  const activity = params.activityId ? app.get("activity", params.activityId) : null;
  const customerId = activity?.data.customer_id || params.customerId;
  const customer = app.get("customer", customerId);
  if (!customer) {
    root.innerHTML = html`<p class="muted">${t("customer_not_found")}</p>`;
    return { title: t("log_visit") };
  }
  const planning = params.mode === "plan";
  const d = activity?.data || { type: "visit" };
  const site = customer.data.city || customer.data.street || "";
  const title = d.title || visitTitle(customer.data.name, site, t(`purpose_${d.type}`));
  const start = d.starts_at ? new Date(d.starts_at) : planning ? nextMorning() : new Date();
  const contacts = app.childrenOf("contact", customerId);
  root.innerHTML = html`
    <form class="form card" id="visit-form" novalidate data-testid="visit-form">
      <p class="muted">${customer.data.name}</p>
      <label>${t("type")}<select name="type">${options(TYPES, d.type, (v) => t(`type_${v}`))}</select></label>
      <label>${t("title")}<input name="title" maxlength="200" value="${title}" data-auto="${d.title ? "" : "1"}"></label>
      <div class="two"><label>${t("date")}<input name="date" type="date" value="${localDay(start)}" required></label>
        <label>${t("time")}<input name="time" type="time" value="${hhmm(start)}" required></label></div>
      ${contacts.length ? html`<label>${t("contact")}<select name="contact_id">
        ${options(["", ...contacts.map((c) => c.id)], d.contact_id || "", (v) => (v ? app.get("contact", v)?.data.name : "–"))}</select></label>` : ""}
      ${planning ? "" : html`
      <label>${t("notes")}<textarea name="notes" rows="5" data-testid="visit-notes" autofocus>${d.notes ?? ""}</textarea></label>
      <label>${t("outcome")}<input name="outcome" maxlength="500" value="${d.outcome ?? ""}"></label>
      <label>${t("next_step")}<input name="next_step" maxlength="500" value="${d.next_step ?? ""}"></label>
      <label class="check-label"><input type="checkbox" name="make_task"> ${t("next_step_as_task")}</label>
      <label>${t("task_due")}<input name="task_due" type="date" value="${addDays(localDay(), 7)}"></label>`}
      <p class="error" id="visit-error" role="alert"></p>
      <div class="actions"><button class="primary" type="submit" data-testid="save-visit">${planning ? t("plan_save") : t("save")}</button>
        <a class="button" href="#/customers/${customerId}">${t("cancel")}</a></div>
    </form>`;
  const form = root.querySelector("form");
  form.type.addEventListener("change", () => {
    if (form.title.dataset.auto) form.title.value = visitTitle(customer.data.name, site, t(`purpose_${form.type.value}`));
  });
  form.title.addEventListener("input", () => { form.title.dataset.auto = ""; });
  form.addEventListener("submit", (event) => save(event, { activity, customerId, planning }));
  return { title: planning ? t("plan_visit") : activity ? t("close_visit") : t("log_visit") };
}

async function save(event, { activity, customerId, planning }) {
  event.preventDefault();
  const f = formData(event.target);
  if (!f.date || !f.time) {
    event.target.querySelector("#visit-error").textContent = t("date_time_required");
    return;
  }
  const startsAt = new Date(`${f.date}T${f.time}`).toISOString();
  const fields = {
    customer_id: customerId, type: f.type, title: f.title, starts_at: startsAt,
    status: planning ? "planned" : "done", contact_id: f.contact_id || null,
  };
  if (!planning) Object.assign(fields, { notes: f.notes, outcome: f.outcome, next_step: f.next_step });
  if (!activity) fields.owner_id = app.user.id;
  const id = activity?.id || crypto.randomUUID();
  const changed = activity
    ? Object.fromEntries(Object.entries(fields).filter(([k, v]) => (activity.data[k] ?? null) !== v))
    : Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
  // The server's own rules (GET /api/rules, kept offline): e.g. a title over 200 characters or a
  // date outside 1900-2200 is named here, not rejected after a sync; nothing saves until fixed.
  const errors = validate(await app.store.getMeta("rules"), "activity", changed, activity?.data ?? null);
  if (Object.keys(errors).length) {
    event.target.querySelector("#visit-error").textContent = Object.entries(errors)
      .map(([name, keys]) => `${t(name === "starts_at" ? "date" : name)}: ${t(keys[0])}`).join(" ");
    return;
  }
  await app.put("activity", id, changed);
  if (!planning && f.make_task && (f.next_step || f.title)) {
    await app.put("task", crypto.randomUUID(), {
      customer_id: customerId, assignee_id: app.user.id, kind: "follow_up", status: "open",
      title: f.next_step || f.title, due_on: f.task_due || addDays(localDay(), 7),
    });
  }
  toast(planning ? t("visit_planned") : t("visit_saved"));
  location.hash = `#/customers/${customerId}`;
}

function pick(root) {
  root.innerHTML = html`
    <input type="search" id="pick-q" placeholder="${t("search_customers")}" autocomplete="off" data-testid="pick-search">
    <ul class="list" id="pick-results"></ul>`;
  const draw = () => {
    const query = root.querySelector("#pick-q").value;
    const { items } = searchCustomers(app.customerIndex(), { query, intervals: app.intervals, limit: 30 });
    const mine = query ? items : items.filter((e) => e.record.data.owner_id === app.user.id).concat(items.filter((e) => e.record.data.owner_id !== app.user.id));
    root.querySelector("#pick-results").innerHTML = html`${mine.map((entry) => customerRow(entry))}`
      .toString().replaceAll(/href="#\/customers\/([\w-]+)"/g, 'href="#/customers/$1/visit"');
  };
  root.querySelector("#pick-q").addEventListener("input", draw);
  draw();
  return { title: t("log_visit") };
}

function nextMorning() {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d;
}

function hhmm(date) {
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}
