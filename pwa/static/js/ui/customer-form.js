// Create or edit a customer. An edit sends only the fields that changed, so it never
// overwrites a colleague's change to another field (SPEC §5 rule 3).
import { app } from "../core.js";
import { t } from "../i18n.js";
import { validBusinessId, validPostalCode, webAddress } from "../domain.js";
import { validate } from "../validate.js";
import { formData, html, options, toast } from "./dom.js";

const TEXT = [["name", "text", 200], ["business_id", "text", 9], ["phone", "tel", 50], ["email", "email", 254],
  ["website", "url", 300], ["street", "text", 200], ["postal_code", "text", 10], ["city", "text", 100],
  ["preferred_contact", "text", 200]];
const CHOICES = {
  kind: ["customer", "prospect", "reseller", "chain", "outlet"],
  segment: ["", "A", "B", "C", "D"],
  stage: ["lead", "new", "active", "occasional", "passive", "former"],
};
const FLAGS = ["do_not_contact", "marketing_ban", "archived"];

// A form: no refresh, so a sync never redraws it under the rep's fingers.
export const screen = { routes: { "#/customers/new": {}, "#/customers/:id/edit": {} }, tab: null };

export function render({ id }, root) {
  const existing = id ? app.get("customer", id) : null;
  const d = existing?.data || { kind: "customer", stage: "new", country: "FI" };
  root.innerHTML = html`
    <form class="form card" id="customer-form" novalidate>
      ${TEXT.map(([name, type, max]) => html`<label>${t(name)}${name === "name" ? " *" : ""}
        <input name="${name}" type="${type}" maxlength="${max}" value="${d[name] ?? ""}"
          ${name === "business_id" ? html`placeholder="0112038-9"` : ""}>
        <span class="error" data-error="${name}"></span></label>`)}
      ${Object.entries(CHOICES).map(([name, values]) => html`<label>${t(name)}
        <select name="${name}">${options(values, d[name] ?? "", (v) => (v ? t(`${name}_${v}`) : "–"))}</select></label>`)}
      <label>${t("notes")}<textarea name="notes" rows="4">${d.notes ?? ""}</textarea></label>
      ${FLAGS.map((name) => html`<label class="check-label"><input type="checkbox" name="${name}" ${d[name] ? "checked" : ""}> ${t(name)}</label>`)}
      <div class="actions"><button class="primary" type="submit">${t("save")}</button>
        <a class="button" href="${id ? `#/customers/${id}` : "#/customers"}">${t("cancel")}</a></div>
    </form>`;
  root.querySelector("form").addEventListener("submit", (event) => save(event, existing));
  return { title: existing ? d.name : t("new_customer") };
}

async function save(event, existing) {
  event.preventDefault();
  const form = event.target;
  const fields = formData(form);
  if (fields.segment === "") fields.segment = null;
  if (fields.website && fields.website !== existing?.data.website) {
    fields.website = webAddress(fields.website) ?? fields.website; // stored as the server stores it
  }
  const id = existing?.id || crypto.randomUUID();
  let changes = fields;
  if (existing) {
    changes = Object.fromEntries(Object.entries(fields).filter(([k, v]) => (existing.data[k] ?? null) !== v
      && !(existing.data[k] == null && v === false)));
  } else {
    changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== false));
    changes.owner_id = app.user.id;
  }
  // Every changed field checked with the server's own rules (GET /api/rules, kept offline); the
  // checks of domain.js stand in before the first sync has brought them. Nothing saves until fixed.
  const errors = Object.fromEntries(Object.entries(validate(await app.store.getMeta("rules"), "customer", changes,
    existing?.data ?? null)).map(([name, keys]) => [name, t(keys[0])]));
  if (!fields.name) errors.name ??= t("required");
  if (fields.business_id && !validBusinessId(fields.business_id)) errors.business_id ??= t("invalid_business_id");
  const country = existing?.data.country || "FI";
  if (fields.postal_code && fields.postal_code !== existing?.data.postal_code
      && !validPostalCode(fields.postal_code, country)) errors.postal_code ??= t("invalid_postal_code");
  if (fields.website && fields.website !== existing?.data.website && !webAddress(fields.website)) {
    errors.website ??= t("invalid_website");
  }
  if (showErrors(form, errors)) return;
  if (Object.keys(changes).length) await app.put("customer", id, changes);
  toast(t("saved"));
  location.hash = `#/customers/${id}`;
}

/** Each error under its field (a field without its own line gets one); focus the first. True if any. */
function showErrors(form, errors) {
  for (const name of Object.keys(errors)) {
    const input = form.querySelector(`[name=${name}]`);
    if (input && !form.querySelector(`[data-error=${name}]`)) {
      input.closest("label")?.insertAdjacentHTML("beforeend", `<span class="error" data-error="${name}"></span>`);
    }
  }
  for (const el of form.querySelectorAll("[data-error]")) el.textContent = errors[el.dataset.error] || "";
  const first = Object.keys(errors).map((name) => form.querySelector(`[name=${name}]`)).find(Boolean);
  first?.focus();
  return Object.keys(errors).length > 0;
}
