// My tasks: open ones by due date (follow-ups first on a tie); tap the box to mark done.
import { app } from "../core.js";
import { t } from "../i18n.js";
import { html } from "./dom.js";
import { bindTaskToggles, taskRow } from "./parts.js";

export const screen = {
  routes: { "#/tasks": {} },
  tab: "tasks",
  refresh: { on: ["task", "customer"] }, // a row shows its customer's name
};
let showDone = false;

export function render(_params, root, opts = {}) {
  const mine = app.list("task").filter((x) => x.data.assignee_id === app.user.id);
  const open = mine.filter((x) => x.data.status === "open")
    .sort((a, b) => (a.data.due_on || "9999").localeCompare(b.data.due_on || "9999")
      || (a.data.kind === "follow_up" ? -1 : 1));
  const done = showDone ? mine.filter((x) => x.data.status === "done") : [];
  root.innerHTML = html`
    <ul class="list" data-testid="task-list">${open.map((x) => taskRow(x))}</ul>
    ${open.length ? "" : html`<p class="muted">${t("no_open_tasks")}</p>`}
    <label class="check-label"><input type="checkbox" id="show-done" ${showDone ? "checked" : ""}> ${t("show_done")}</label>
    <ul class="list">${done.map((x) => taskRow(x))}</ul>`;
  root.querySelector("#show-done").addEventListener("change", (e) => { showDone = e.target.checked; render(_params, root, { refresh: true }); });
  if (!opts.refresh) bindTaskToggles(root);
  return { title: t("tab_tasks") };
}
