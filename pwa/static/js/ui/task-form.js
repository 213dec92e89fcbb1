// New task from the Tasks tab: pick the customer (the visit picker's search and rows), a title,
// the kind, the due day (tomorrow unless changed) and notes. Saved into the outbox like every edit,
// so it works offline and shows in the list at once; sync sends it later.
import { app } from "../core.js";
import { t } from "../i18n.js";
import { TASK_KINDS, newTask, searchCustomers, shiftDay } from "../domain.js";
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
      <label>${t("title")}<input name="title" maxlength="200" data-testid="task-title"></label>
      <label>${t("task_kind")}<select name="kind">${options(TASK_KINDS, "follow_up", (v) => t(`kind_${v}`))}</select></label>
      <label>${t("due_on")}<input name="due_on" type="date" value="${shiftDay(localDay(), 1)}"></label>
      <label>${t("notes")}<textarea name="notes" rows="3" maxlength="5000"></textarea></label>
      <p class="error" id="task-error" role="alert"></p>
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
  form.addEventListener("submit", (event) => save(event));
  draw();
  return { title: t("new_task") };
}

async function save(event) {
  event.preventDefault();
  const f = formData(event.target);
  const result = newTask({
    customerId: f.customer_id, title: f.title, kind: f.kind, dueOn: f.due_on, notes: f.notes, userId: app.user.id,
  });
  if (result.error) {
    event.target.querySelector("#task-error").textContent = t(result.error);
    return;
  }
  await app.put("task", crypto.randomUUID(), result.fields);
  toast(t("task_saved"));
  location.hash = "#/tasks";
}
