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
  // At 360x740 the notes come first and Save stays in sight (a bar held at the screen's bottom while
  // the form is longer than the screen): a visit is logged with no scroll; the rest is optional.
  root.innerHTML = html`
    <form class="form card" id="visit-form" novalidate data-testid="visit-form">
      <p class="muted">${customer.data.name}</p>
      ${planning ? "" : html`<label>${t("notes")}<textarea name="notes" rows="4" data-testid="visit-notes"
        autocapitalize="sentences" enterkeyhint="enter" inputmode="text" autofocus>${d.notes ?? ""}</textarea></label>`}
      <label>${t("type")}<select name="type">${options(TYPES, d.type, (v) => t(`type_${v}`))}</select></label>
      <label>${t("title")}<input name="title" maxlength="200" value="${title}" data-auto="${d.title ? "" : "1"}"
        enterkeyhint="next"></label>
      <div class="two"><label>${t("date")}<input name="date" type="date" value="${localDay(start)}" required></label>
        <label>${t("time")}<input name="time" type="time" value="${hhmm(start)}" required></label></div>
      ${contacts.length ? html`<label>${t("contact")}<select name="contact_id">
        ${options(["", ...contacts.map((c) => c.id)], d.contact_id || "", (v) => (v ? app.get("contact", v)?.data.name : "–"))}</select></label>` : ""}
      ${planning ? "" : html`
      <label>${t("outcome")}<input name="outcome" maxlength="500" value="${d.outcome ?? ""}" enterkeyhint="next"></label>
      <label>${t("next_step")}<input name="next_step" maxlength="500" value="${d.next_step ?? ""}" enterkeyhint="next"></label>
      <label class="check-label"><input type="checkbox" name="make_task"> ${t("next_step_as_task")}</label>
      <label>${t("task_due")}<input name="task_due" type="date" value="${addDays(localDay(), 7)}"></label>`}
      <p class="error" id="visit-error" role="alert"></p>
      <div class="actions save-bar"><button class="primary" type="submit" data-testid="save-visit">${planning ? t("plan_save") : t("save")}</button>
        <a class="button" href="#/customers/${customerId}">${t("cancel")}</a></div>
    </form>`;
  // The router focuses the screen after drawing it; the notes take the focus right after, still in
  // the tap that opened the form (the picker focused a field inside the tap, so the keyboard is up).
  const notes = root.querySelector("[data-testid=visit-notes]");
  if (notes) queueMicrotask(() => notes.focus({ preventScroll: true }));
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

const PICK_LIMIT = 30;

// The list says what it is: the rep's own customers first (labelled), how many match a query, and
// when only the first 30 show, to type more. A tap on a row focuses a field at once, inside the
// tap, so a phone opens its keyboard; the form then moves that focus to the notes (see render).
function pick(root) {
  root.innerHTML = html`
    <input type="search" id="pick-q" placeholder="${t("search_customers")}" aria-label="${t("search_customers")}"
      autocomplete="off" enterkeyhint="search" data-testid="pick-search">
    <p class="list-head"><strong id="pick-head" data-testid="pick-head"></strong>
      <span class="muted" id="pick-refine" data-testid="pick-refine" hidden></span></p>
    <ul class="list" id="pick-results"></ul>`;
  const input = root.querySelector("#pick-q");
  const draw = () => {
    const query = input.value.trim();
    const { items, total, own, ownTotal } = searchCustomers(app.customerIndex(),
      { query, intervals: app.intervals, limit: PICK_LIMIT, ownerFirst: app.user.id });
    const row = (entry) => customerRow(entry, "", { query, href: `#/customers/${entry.record.id}/visit` });
    const part = (key, entries) => (entries.length && ownTotal
      ? html`<li class="section-head" data-testid="${key}">${t(key)}</li>` : "");
    root.querySelector("#pick-results").innerHTML = html`${part("section_own", items.slice(0, own))}${items.slice(0, own).map(row)}
      ${part("section_others", items.slice(own))}${items.slice(own).map(row)}`;
    root.querySelector("#pick-head").textContent = query ? t("n_matches", { count: total })
      : ownTotal ? t("search_own_first") : t("n_customers", { count: total });
    const refine = root.querySelector("#pick-refine");
    refine.hidden = total <= items.length;
    refine.textContent = refine.hidden ? "" : t("refine_search", { n: items.length, m: total });
  };
  input.addEventListener("input", draw);
  root.querySelector("#pick-results").addEventListener("click", (event) => {
    if (event.target.closest("a[href]")) input.focus({ preventScroll: true });
  });
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
