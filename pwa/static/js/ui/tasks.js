// My tasks: open ones by due date (follow-ups first on a tie); tap the box to mark done;
// "+ Uusi tehtävä" opens the new-task form (task-form.js), a route of this tab.
import { app } from "../core.js";
import { t } from "../i18n.js";
import { html } from "./dom.js";
import { bindTaskToggles, taskRow } from "./parts.js";
import { renderTaskForm } from "./task-form.js";

export const screen = {
  routes: { "#/tasks": {}, "#/tasks/new": { form: true } },
  tab: "tasks",
  refresh: {
    on: ["task", "customer"], // a row shows its customer's name
    hold: (root) => Boolean(root.querySelector("#new-task-form")), // never redraw a form being filled in
  },
};
let showDone = false;

export function render(params, root, opts = {}) {
  if (params.form) return renderTaskForm(root);
  const mine = app.list("task").filter((x) => x.data.assignee_id === app.user.id);
  const open = mine.filter((x) => x.data.status === "open")
    .sort((a, b) => (a.data.due_on || "9999").localeCompare(b.data.due_on || "9999")
      || (a.data.kind === "follow_up" ? -1 : 1));
  const done = showDone ? mine.filter((x) => x.data.status === "done") : [];
  root.innerHTML = html`
    <div class="actions"><a class="button primary" href="#/tasks/new" data-testid="new-task">${t("new_task_button")}</a></div>
    <ul class="list" data-testid="task-list">${open.map((x) => taskRow(x))}</ul>
    ${open.length ? "" : html`<p class="muted">${t("no_open_tasks")}</p>`}
    <label class="check-label"><input type="checkbox" id="show-done" ${showDone ? "checked" : ""}> ${t("show_done")}</label>
    <ul class="list">${done.map((x) => taskRow(x))}</ul>`;
  root.querySelector("#show-done").addEventListener("change", (e) => { showDone = e.target.checked; render(params, root, { refresh: true }); });
  if (!opts.refresh) bindTaskToggles(root);
  return { title: t("tab_tasks") };
}
