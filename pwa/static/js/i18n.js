// Finnish and English strings for the PWA. Finnish when the browser prefers it, else English;
// the rep can override it in Settings (kept in IndexedDB meta "lang"). Also the one place that
// formats numbers, money and dates (Intl in the user's language) and words the server's English
// messages in the user's language. Pure apart from loadLanguage, so node tests import it.

const LANGS = ["fi", "en"];
// Finnish dates the Finnish way (6.12.2026, klo 14.30); English as in the UK (6 Dec 2026, 14:30).
const LOCALES = { fi: "fi-FI", en: "en-GB" };
const COUNTS = ["count", "n", "m"]; // placeholders that are counts, written "1 234" / "1,234"
let strings = {};
let current = "en";

// The server's messages, word for word as server/office/messages.py lists them for the back office
// (plus the sync push's and the browser's own): its English text -> a key of fi.json and en.json.
const SERVER_EXACT = {
  "Missing data for required field.": "srv_required",
  "Field may not be null.": "srv_required",
  "Unknown field.": "srv_unknown_field",
  "Not a valid string.": "srv_text",
  "Not a valid integer.": "srv_whole_number",
  "Not a valid number.": "srv_number",
  "Not a valid list.": "srv_list",
  "Not a valid id (UUID).": "srv_id",
  "Not a valid email address.": "srv_email",
  "Not a valid boolean.": "srv_yes_no",
  "Must be true or false.": "srv_yes_no",
  "Not a valid mapping type.": "srv_value",
  "Must not be empty.": "srv_not_empty",
  "Must be one line, without line breaks, tabs or control characters.": "srv_one_line",
  "Must not contain control characters (line breaks and tabs are fine).": "srv_control_chars",
  "Not a valid date and time; use ISO 8601, e.g. 2026-11-20T08:15:00Z.": "srv_datetime",
  "Give the time zone, e.g. 2026-11-20T08:15:00Z.": "srv_datetime",
  "Not a valid date; use ISO 8601, e.g. 2026-11-20.": "srv_date",
  "Give an amount in euros, e.g. 24.90 (at most two decimals).": "srv_amount",
  "Must be between 0 and 999999999999.99.": "srv_amount_range",
  "Give a number, e.g. 2 or 1.5 (at most three decimals).": "srv_quantity",
  "Must be more than 0 and at most 1000000000.": "srv_quantity_range",
  "Must not be before starts_at.": "srv_not_before_start",
  "Use the form 1234567-8 (Y-tunnus).": "srv_business_id_form",
  "The check digit of this Y-tunnus is wrong.": "srv_business_id_check",
  "Another customer already has this Y-tunnus.": "srv_business_id_taken",
  "A Finnish postal code is five digits, e.g. 00100.": "srv_postal_code_fi",
  "Use the postal code as written in the address: letters, digits, spaces or hyphens, with a digit.": "srv_postal_code",
  "Use an ISO 3166 alpha-2 code, e.g. FI.": "srv_country",
  "Must be a web address, e.g. https://www.example.fi.": "srv_web_address",
  "A record cannot refer to itself.": "srv_self_reference",
  "This field is set by the server.": "srv_server_field",
  "Only customer service and managers can assign tasks to others.": "srv_assign_tasks",
  "Only customer service and managers can change or delete orders and deliveries.": "srv_orders",
  "Only managers can delete customers; archive it instead.": "srv_delete_customer",
  "You can only change your own activities.": "srv_own_activities_change",
  "You can only change your own tasks.": "srv_own_tasks_change",
  "You can only delete your own activities.": "srv_own_activities_delete",
  "You can only delete your own tasks.": "srv_own_tasks_delete",
  "You can only plan activities for yourself.": "srv_plan_own",
  "You can only resolve your own conflicts.": "srv_own_conflicts",
  "Must be between the years 1900 and 2200; check the device's date.": "srv_device_date",
  "Conflict records are made by the server; only 'resolved' can be set.": "srv_conflict_server",
  "Something went wrong on the server; nothing was changed.": "error_server",
  "Failed to fetch": "error_offline",
  "Load failed": "error_offline",
  "NetworkError when attempting to fetch resource.": "error_offline",
  "Network error": "error_offline",
  "Not logged in": "error_unauthorized",
  "Please log in again": "error_unauthorized",
  "Log in first: send 'Authorization: Bearer <token>'.": "error_unauthorized",
  "Your session has ended.": "error_unauthorized",
  "The server's answer was not JSON": "error_not_json",
  "Wrong e-mail or password.": "login_failed",
};

// Messages with numbers or names in them: (pattern with named groups, key with the same {names}).
const SERVER_PATTERNS = [
  [/^Must be one of: (?<choices>.*)\.$/, "srv_one_of"],
  [/^Must be at most (?<max>\d+) characters \(got (?<got>\d+)\)\.$/, "srv_max_length"],
  [/^Must be at least (?<min>\d+) characters\.$/, "srv_min_length"],
  [/^Must be between the years (?<low>\d+) and (?<high>\d+)\.$/, "srv_years"],
  [/^No \w+ with this id exists\.$/, "srv_no_record"],
  [/^No \w+ with id [\w-]+\.$/, "srv_no_record"],
  [/^This \w+ is already above the chosen one; the chain would go round in a loop\.$/, "srv_loop"],
  [/^The \w+ this points at was deleted; choose another\.$/, "srv_parent_deleted"],
  [/^The server's newest version is \d+; a record cannot have been seen at a later one\.$/, "srv_base_version"],
  [/^This token was not used for \d+ days and has expired; log in again\.$/, "error_unauthorized"],
  [/^HTTP 5\d\d$/, "error_server"],
];

// The §4 error codes (server/api/errors.py) -> key: a top-level error is worded by its code.
const ERROR_CODES = {
  invalid_credentials: "login_failed",
  unauthorized: "error_unauthorized",
  token_expired: "error_unauthorized",
  forbidden: "error_forbidden",
  not_found: "error_not_found",
  validation_error: "error_validation",
  too_many_requests: "error_too_many",
  payload_too_large: "error_too_large",
  internal_error: "error_server",
  push_not_configured: "push_server_not_ready",
  resync_required: "error_resync",
};

export function preferredLanguage(saved, navigatorLanguages = globalThis.navigator?.languages || []) {
  if (LANGS.includes(saved)) return saved;
  for (const tag of navigatorLanguages) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (LANGS.includes(base)) return base;
  }
  return "en";
}

export async function loadLanguage(lang) {
  const response = await fetch(`/static/i18n/${lang}.json`);
  setStrings(lang, await response.json());
  document.documentElement.lang = lang;
}

/** Use these strings for `lang` (loadLanguage in the app; the node tests give them directly). */
export function setStrings(lang, table) {
  strings = table;
  current = lang;
}

export function lang() {
  return current;
}

export function locale() {
  return LOCALES[current] || LOCALES.en;
}

/** Translate a key; {name} placeholders are filled from params. A missing key shows itself.
 *
 * A value may be plural forms ({"one": "{count} asiakas", "other": "{count} asiakasta"}): the form
 * is chosen with Intl.PluralRules from params.count (or params.n, the older name), and the count is
 * written as a number of the language ("1 234").
 */
export function t(key, params = {}) {
  let text = strings[key] ?? key;
  const count = params.count ?? params.n;
  if (text && typeof text === "object") {
    text = text[new Intl.PluralRules(locale()).select(Number(count))] ?? text.other ?? key;
  }
  const values = { count, n: count, ...params }; // {count} and {n} both name the count
  return String(text).replace(/\{(\w+)\}/g, (_, name) => {
    const value = values[name];
    if (value === undefined || value === null) return "";
    return typeof value === "number" && COUNTS.includes(name) ? fmtNumber(value) : String(value); // not a year
  });
}

/** True when the loaded strings have this key (a server message has a translation). */
function has(key) {
  return Object.prototype.hasOwnProperty.call(strings, key);
}

export function fmtNumber(value, options = {}) {
  if (value === null || value === undefined || value === "" || Number.isNaN(Number(value))) return "";
  return new Intl.NumberFormat(locale(), options).format(Number(value));
}

/** Euros in the user's language: "995,00 €" in Finnish, "€995.00" in English. The server sends amounts as strings. */
export function fmtMoney(value) {
  return fmtNumber(value, { style: "currency", currency: "EUR" });
}

/** A date-only value ("2026-12-06") is that calendar day wherever the phone is; others are instants. */
function toDate(value) {
  return typeof value === "string" && value.length === 10 ? new Date(value + "T12:00:00") : new Date(value);
}

function valid(value) {
  return value !== null && value !== undefined && value !== "" && !Number.isNaN(toDate(value).getTime());
}

/** "su 6.12.2026" / "Sun, 6 Dec 2026": the weekday helps a rep plan, the year keeps it unambiguous. */
export function fmtDate(value) {
  if (!valid(value)) return "";
  return new Intl.DateTimeFormat(locale(), {
    weekday: "short", day: "numeric", month: current === "fi" ? "numeric" : "short", year: "numeric",
  }).format(toDate(value));
}

/** "14.30" / "14:30". */
export function fmtTime(value) {
  if (!valid(value)) return "";
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(toDate(value));
}

/** "su 6.12.2026 klo 14.30" / "Sun, 6 Dec 2026, 14:30": Intl joins them as the language does. */
export function fmtDateTime(value) {
  if (!valid(value)) return "";
  return new Intl.DateTimeFormat(locale(), {
    weekday: "short", day: "numeric", month: current === "fi" ? "numeric" : "short", year: "numeric",
    hour: "2-digit", minute: "2-digit",
  }).format(toDate(value));
}

/** One of the server's English messages (a field error, the browser's network error) in the
 * user's language; a message not in the table is shown as it came rather than lost. */
export function serverText(message) {
  if (typeof message !== "string") return message == null ? "" : String(message);
  const key = SERVER_EXACT[message];
  if (key && has(key)) return t(key);
  for (const [pattern, patternKey] of SERVER_PATTERNS) {
    const found = message.match(pattern);
    if (found && has(patternKey)) return t(patternKey, found.groups || {});
  }
  return message;
}

/** An API error (api.js ApiError, or the §4 body's {code, message}) in the user's language:
 * by its code first, then by its message, for an unknown code the raw message. */
export function errorText(err) {
  if (!err) return "";
  if (typeof err === "string") return serverText(err);
  if (err.kind === "offline") return t("error_offline");
  const key = ERROR_CODES[err.code];
  if (key && has(key)) return t(key);
  const mapped = serverText(err.message);
  if (mapped !== err.message) return mapped;
  if (err.status >= 500 && has("error_server")) return t("error_server");
  return err.message || "";
}
