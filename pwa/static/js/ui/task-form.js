// New task from the Tasks tab: pick the customer (the visit picker's search and rows), a title,
// the kind, the due day (tomorrow unless changed) and notes. Saved into the outbox like every edit,
// so it works offline and shows in the list at once; sync sends it later.
import { app } from "../core.js";
import { t } from "../i18n.js";
import { TASK_KINDS, newTask, searchCustomers, shiftDay } from "../domain.js";
import { validate } from "../validate.js";
import { formData, html, localDay, options, toast } from "./dom.js";
import { customerRow } from "./parts.js";

const PICK_LIMIT = 8; // enough to choose from on a phone with the keyboard open

export function renderTaskForm(root) {
  root.innerHTML = html`
    <form class="form card" id="new-task-form" novalidate data-testid="task-form">
      <input type="hidden" name="customer_id">
      <div id="task-customer">
        <label>${t("task_customer")}<input type="search" id="task-pick-q" placeholder="${t("search_customers")}"
          autocomplete="off" data-testid="task-pick-search"></label>
        <small class="muted">${t("task_pick_hint")}</small>
        <ul class="list" id="task-pick-results"></ul>
      </div>
      <div id="task-chosen" hidden><p class="row"><strong class="grow" data-testid="task-chosen"></strong>
        <button type="button" class="small" id="task-change">${t("task_change_customer")}</button></p></div>
      <p class="error" id="task-error" role="alert" data-error="customer_id"></p>
      <label>${t("title")}<input name="title" maxlength="200" data-testid="task-title" enterkeyhint="next">
        <span class="error" data-error="title"></span></label>
      <label>${t("task_kind")}<select name="kind">${options(TASK_KINDS, "follow_up", (v) => t(`kind_${v}`))}</select></label>
      <label>${t("due_on")}<input name="due_on" type="date" value="${shiftDay(localDay(), 1)}">
        <span class="error" data-error="due_on"></span></label>
      <label>${t("notes")}<textarea name="notes" rows="3" maxlength="5000"></textarea>
        <span class="error" data-error="notes"></span></label>
      <div class="actions"><button class="primary" type="submit" data-testid="save-task">${t("save")}</button>
        <a class="button" href="#/tasks">${t("cancel")}</a></div>
    </form>`;
  const form = root.querySelector("form");
  const query = root.querySelector("#task-pick-q");
  const draw = () => {
    const { items } = searchCustomers(app.customerIndex(), { query: query.value, intervals: app.intervals, limit: 30 });
    // No query yet: the rep's own customers first, as in the visit picker.
    const own = (e) => e.record.data.owner_id === app.user.id;
    const rows = query.value ? items : items.filter(own).concat(items.filter((e) => !own(e)));
    root.querySelector("#task-pick-results").innerHTML = html`${rows.slice(0, PICK_LIMIT).map((e) => customerRow(e))}`;
  };
  const choose = (id) => {
    form.customer_id.value = id || "";
    root.querySelector("#task-customer").hidden = Boolean(id);
    root.querySelector("#task-chosen").hidden = !id;
    root.querySelector("[data-testid=task-chosen]").textContent = id ? app.get("customer", id)?.data.name || "" : "";
    if (id) form.title.focus();
    else query.focus();
  };
  query.addEventListener("input", draw);
  // The rows are the card links the visit picker shows: here a tap chooses instead of opening.
  root.querySelector("#task-pick-results").addEventListener("click", (event) => {
    const row = event.target.closest("a[href^='#/customers/']");
    if (!row) return;
    event.preventDefault();
    choose(row.getAttribute("href").slice("#/customers/".length));
  });
  root.querySelector("#task-change").addEventListener("click", () => choose(null));
  // The rules are read once, as the form opens, so a tap on Save answers at once.
  let rules = null;
  app.store.getMeta("rules").then((stored) => { rules = stored; });
  form.addEventListener("submit", (event) => save(event, rules));
  draw();
  return { title: t("new_task") };
}

// Checked like the visit and customer forms: the server's own rules (GET /api/rules, kept offline)
// before anything is queued, so a due day in 1850 is named beside its field instead of being
// rejected after a sync; the customer and the title are required here too.
async function save(event, rules) {
  event.preventDefault();
  const form = event.target;
  const f = formData(form);
  const result = newTask({
    customerId: f.customer_id, title: f.title, kind: f.kind, dueOn: f.due_on, notes: f.notes, userId: app.user.id,
  });
  const typed = Object.fromEntries(Object.entries({ title: f.title, kind: f.kind, due_on: f.due_on, notes: f.notes })
    .filter(([, v]) => v !== null));
  // Without a customer or title the rest is checked as a change (partial), so each field still gets its say.
  const checked = result.fields ? validate(rules, "task", result.fields) : validate(rules, "task", typed, {});
  const errors = Object.fromEntries(Object.entries(checked).map(([name, keys]) => [name, t(keys[0])]));
  if (result.error) errors[result.error === "task_customer_required" ? "customer_id" : "title"] ??= t(result.error);
  if (showErrors(form, errors)) return;
  await app.put("task", crypto.randomUUID(), result.fields);
  toast(t("task_saved"));
  location.hash = "#/tasks";
}

/** Each error beside its field (one without a place of its own under the customer's); focus the first. */
function showErrors(form, errors) {
  const places = [...form.querySelectorAll("[data-error]")];
  for (const el of places) el.textContent = errors[el.dataset.error] || "";
  const homeless = Object.keys(errors).filter((name) => !places.some((el) => el.dataset.error === name));
  if (homeless.length) form.querySelector("#task-error").textContent += ` ${homeless.map((n) => `${t(n)}: ${errors[n]}`).join(" ")}`;
  const first = places.find((el) => errors[el.dataset.error])?.dataset.error; // in the form's order
  if (first === "customer_id") form.querySelector("#task-pick-q").focus();
  else if (first) form.querySelector(`[name=${first}]`)?.focus();
  return Object.keys(errors).length > 0;
}
