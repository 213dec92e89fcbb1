// Needs attention: values of mine that lost a conflict (keep theirs, or restore mine with one tap)
// and ops the server rejected, with its errors by field, to fix and send again or discard.
import { app } from "../core.js";
import { ENTITIES } from "../entities.js";
import { serverText, t } from "../i18n.js";
import { fmtDateTime, html, toast } from "./dom.js";

export const screen = {
  routes: { "#/attention": {} },
  tab: "attention",
  refresh: {
    on: ["rejected", ...ENTITIES], // a conflict or rejected op may name a record of any entity
    hold: (root) => root.contains(document.activeElement) && document.activeElement.matches("input"), // a fix is being typed
  },
};

function recordLabel(entity, id) {
  const rec = app.get(entity, id) || app.serverById[entity]?.get(id);
  const d = rec?.data || {};
  return `${t(`entity_${entity}`)}: ${d.name || d.title || d.order_no || id.slice(0, 8)}`;
}

function show(value) {
  if (value === null || value === undefined || value === "") return "–";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function render(_params, root, opts = {}) {
  const me = app.user.id;
  const manager = ["manager", "admin"].includes(app.user.role);
  const conflicts = app.list("conflict").filter((c) => !c.data.resolved && (c.data.lost_by === me || manager));
  root.innerHTML = html`
    <section><h2>${t("conflicts")}</h2>
      ${conflicts.length ? "" : html`<p class="muted">${t("no_conflicts")}</p>`}
      <ul class="list">${conflicts.map((c) => html`<li class="card conflict" data-testid="conflict" data-id="${c.id}">
        <strong>${recordLabel(c.data.entity, c.data.record_id)}</strong>
        <p>${t("field")}: <b>${t(c.data.field)}</b> · ${fmtDateTime(c.data.lost_edited_at)}</p>
        <p>${t("kept_value")}: <span data-testid="kept">${show(c.data.kept_value)}</span></p>
        <p>${t("your_value")}: <span data-testid="lost">${show(c.data.lost_value)}</span></p>
        <div class="actions"><button type="button" data-action="keep">${t("keep_theirs")}</button>
          <button type="button" class="primary" data-action="restore" data-testid="restore">${t("restore_mine")}</button></div>
      </li>`)}</ul></section>
    <section><h2>${t("rejected")}</h2>
      ${app.rejected.length ? "" : html`<p class="muted">${t("no_rejected")}</p>`}
      <ul class="list">${app.rejected.map((entry) => rejectedItem(entry))}</ul></section>`;
  if (!opts.refresh) root.addEventListener("click", (event) => act(event));
  return { title: t("tab_attention") };
}

/** The server's field messages (English, for every door) in the rep's language, by their text. */
function words(messages) {
  return (Array.isArray(messages) ? messages : [messages]).map(serverText).join(" ");
}

// A put refused only in some fields had the rest sent on at once (outbox.js marks the entry with
// `requeued`, those fields' names): the item says so, so the rep does not enter them again.
function rejectedItem({ op, result, requeued }) {
  const errors = result?.errors || {};
  const fields = Object.keys({ ...op.fields, ...errors }).filter((k) => k !== "id");
  return html`<li class="card rejected" data-testid="rejected" data-op="${op.op_id}">
    <strong>${recordLabel(op.entity, op.id)}</strong> <small>${t(op.type === "delete" ? "op_delete" : "op_put")}</small>
    ${errors.id ? html`<p class="error">${words(errors.id)}</p>` : ""}
    ${requeued?.length ? html`<p class="muted" data-testid="others-sent">${t("other_fields_sent")}:
      ${requeued.map((name) => t(name)).join(", ")}</p>` : ""}
    ${fields.map((name) => html`<label>${t(name)}<input name="${name}" value="${show(op.fields?.[name]) === "–" ? "" : show(op.fields?.[name])}">
      ${errors[name] ? html`<span class="error">${words(errors[name])}</span>` : ""}</label>`)}
    <div class="actions"><button type="button" class="primary" data-action="resend">${t("send_again")}</button>
      <button type="button" data-action="discard">${t("discard")}</button></div></li>`;
}

async function act(event) {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const item = button.closest("[data-id], [data-op]");
  const action = button.dataset.action;
  if (action === "keep" || action === "restore") {
    const conflict = app.get("conflict", item.dataset.id);
    const { entity, record_id: recordId, field, lost_value: lost } = conflict.data;
    if (action === "restore") {
      if (field === "deleted") await (lost ? app.remove(entity, recordId) : app.put(entity, recordId, {}));
      else await app.put(entity, recordId, { [field]: lost });
    }
    await app.put("conflict", conflict.id, { resolved: true });
    toast(action === "restore" ? t("restored") : t("kept"));
    return;
  }
  const entry = app.rejected.find((r) => r.op.op_id === item.dataset.op);
  if (action === "resend") {
    const fields = {};
    for (const input of item.querySelectorAll("input[name]")) fields[input.name] = parse(input.value, entry.op.fields?.[input.name]);
    if (entry.op.type === "delete") await app.remove(entry.op.entity, entry.op.id);
    else await app.put(entry.op.entity, entry.op.id, fields);
  }
  await app.store.removeRejected(entry.op.op_id);
  await app.outboxChanged();
}

/** Give an edited value back its type: numbers, booleans and lists stay what they were. */
function parse(text, original) {
  if (text.trim() === "") return null;
  if (typeof original === "number") return Number(text);
  if (typeof original === "boolean") return text === "true";
  if (original && typeof original === "object") {
    try { return JSON.parse(text); } catch { return text; }
  }
  return text;
}
