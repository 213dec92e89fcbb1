// Tiny rendering helpers: views build HTML strings, so every value passes through esc().
import { fmtDateTime, t } from "../i18n.js";

// Dates and times are formatted in one place (i18n.js, Intl in the user's language); kept here for the screens.
export { fmtDate, fmtDateTime, fmtTime } from "../i18n.js";

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(value) {
  return value == null ? "" : String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Safe HTML: the result of html`` or raw(); interpolating it again does not escape it twice. */
class Safe {
  constructor(text) {
    this.__html = text;
  }

  toString() {
    return this.__html;
  }
}

export function html(strings, ...values) {
  return new Safe(strings.reduce((out, s, i) => out + s + (i < values.length ? flatten(values[i]) : ""), ""));
}

/** Mark a string as already-safe HTML for html``; everything else is escaped. */
export function raw(text) {
  return new Safe(String(text));
}

function flatten(value) {
  if (Array.isArray(value)) return value.map(flatten).join("");
  if (value instanceof Safe) return value.__html;
  if (value === false || value === true) return "";
  return esc(value);
}

export function fmtAgo(ms) {
  if (!ms) return t("never");
  const minutes = Math.round((Date.now() - ms) / 60000);
  if (minutes < 1) return t("just_now");
  if (minutes < 60) return t("minutes_ago", { n: minutes });
  return fmtDateTime(new Date(ms).toISOString());
}

/** Local calendar day of a Date as YYYY-MM-DD. */
export function localDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function addDays(day, n) {
  const d = new Date(day + "T12:00:00");
  d.setDate(d.getDate() + n);
  return localDay(d);
}

export function toast(message) {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 2500);
}

/** Read a form into a plain object: empty strings become null, checkboxes booleans. */
export function formData(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === "checkbox") out[el.name] = el.checked;
    else out[el.name] = el.value.trim() === "" ? null : el.value.trim();
  }
  return out;
}

export function options(values, selected, label = (v) => v) {
  return values.map((v) => html`<option value="${v ?? ""}" ${v === selected ? raw("selected") : ""}>${label(v)}</option>`);
}

/** Inside a tap on a link to a form: focus a stand-in field at once, so a phone opens its keyboard
 * (iOS opens it only for a focus made inside the tap itself); the form then moves the focus to its
 * first field, and the keyboard stays up. The stand-in goes away a moment later. */
export function keepKeyboard(doc = document) {
  const keeper = doc.createElement("input");
  keeper.className = "keyboard-keeper";
  keeper.tabIndex = -1;
  keeper.setAttribute("aria-hidden", "true");
  doc.body.append(keeper);
  keeper.focus({ preventScroll: true });
  setTimeout(() => keeper.remove(), 1000);
}
