// A form's fields checked with the server's own rules (GET /api/rules, made from its marshmallow
// schemas; server/api/rules.py lists the named formats) before anything is saved, so "eiole@" is
// refused under its field instead of being rejected after a sync. Pure: rules and fields in,
// {field: [message key]} out. Each format mirrors its Python rule to the letter; the table in
// tests/fixtures/validation_samples.json holds the two to the same verdicts.

// Python's str.isspace() characters (str.strip trims these; JS trim differs on \x1c-\x1f, \x85, \ufeff).
const SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const STRIP = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "gu");
const ONE_LINE_BAD = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/u; // fields.ONE_LINE_BAD
const MULTI_LINE_BAD = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/u; // fields.MULTI_LINE_BAD
const FI_POSTAL = /^[0-9]{5}$/u;
const POSTAL = /^(?=[A-Za-z0-9 -]*[0-9])[A-Za-z0-9](?:[ -]?[A-Za-z0-9]){1,9}$/u;
const BUSINESS_ID = /^([0-9]{7})-([0-9])$/u;
// marshmallow's Email and URL validators (IGNORECASE, Python's Unicode \w, \d and letters ¡-\uffff).
const U = "\\u00a1-\\uffff";
const WORD = "\\p{L}\\p{N}_";
const USER = new RegExp(`^(?:[-!#$%&'*+/=?^\`{}|~${WORD}]+(?:\\.[-!#$%&'*+/=?^\`{}|~${WORD}]+)*$`
  + `|^"(?:[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f!#-\\[\\]-\\x7f]|\\\\[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f])*"$)`, "iu");
const OCTET = "(?:25[0-5]|2[0-4]\\p{Nd}|[0-1]?\\p{Nd}?\\p{Nd})";
const LABEL = `[A-Z0-9${U}](?:[A-Z0-9${U}-]{0,61}[A-Z0-9${U}])?\\.`;
const DOMAIN = new RegExp(`^(?:(?:${LABEL})+(?:[A-Z${U}]{2,6}|[A-Z0-9${U}-]{2,})$|^\\[${OCTET}(?:\\.${OCTET}){3}\\]$)`, "iu");
const HOST = `(?:(?:${LABEL})+(?:[A-Z${U}]{2,6}\\.?|[A-Z0-9${U}-]{2,}\\.?)|localhost`
  + "|\\p{Nd}{1,3}\\.\\p{Nd}{1,3}\\.\\p{Nd}{1,3}\\.\\p{Nd}{1,3}|\\[[A-F0-9]*:[A-F0-9:]+\\])";
const URL_RE = new RegExp("^(?:[a-z0-9.+-]*)://(?:(?:[a-z0-9\\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?"
  + `${HOST}(?::\\p{Nd}+)?(?:/?|[/?#][^${SPACE}]+)$`, "iu");
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const DAY = /^(\d{4})-?(\d{2})-?(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2}(?::?\d{2})?)$/;
const UUID_HEX = /^[0-9a-f]{32}$/i;

const strip = (s) => s.replace(STRIP, "");
const length = (s) => [...s].length; // Python counts code points, not UTF-16 units
const types = (rule) => [].concat(rule.type || []);

export function validBusinessId(value) {
  const m = BUSINESS_ID.exec(value);
  if (!m) return false;
  const d = [...value].map((c) => c.charCodeAt(0) - 48);
  const rest = (7 * d[0] + 9 * d[1] + 10 * d[2] + 5 * d[3] + 8 * d[4] + 4 * d[5] + 2 * d[6]) % 11;
  return rest !== 1 && d[8] === (rest === 0 ? 0 : 11 - rest);
}

export function validEmail(value) {
  const at = value.lastIndexOf("@");
  if (!value || at < 0 || !USER.test(value.slice(0, at))) return false;
  const domain = value.slice(at + 1);
  return domain === "localhost" || DOMAIN.test(domain);
}

/** WebAddress.refine: the address as stored (a bare host gets https://), or null when it is none. */
export function webAddress(value, max = 300) {
  const full = SCHEME.test(value) ? value : `https://${value}`;
  const scheme = full.split("://")[0].toLowerCase();
  if (scheme !== "http" && scheme !== "https" || !URL_RE.test(full)) return null;
  const netloc = full.slice(full.indexOf("://") + 3).split(/[/?#]/)[0];
  if (netloc.includes("@") || netloc.includes("[") !== netloc.includes("]")) return null; // urlsplit refuses the latter
  const host = netloc.startsWith("[") ? netloc.slice(1, netloc.indexOf("]")) : netloc.split(":")[0];
  return host.includes(".") && length(full) <= max ? full : null;
}

/** fields.postal_code_problem: five digits in Finland, elsewhere the general form (country unknown too). */
export function validPostalCode(code, country) {
  return (country === "FI" ? FI_POSTAL : POSTAL).test(code);
}

function validDay(text, [low, high] = [1900, 2200]) {
  const m = DAY.exec(text);
  if (!m || (text.length !== 10 && text.length !== 8)) return false;
  const [y, mo, d] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= low && y <= high;
}

function validInstant(text, [low, high] = [1900, 2200]) {
  const m = INSTANT.exec(text);
  if (!m || !validDay(`${m[1]}-${m[2]}-${m[3]}`, [1, 9999]) || +m[4] > 23 || +m[5] > 59 || +(m[6] || 0) > 59) return false;
  const zone = m[8] === "Z" ? "Z" : m[8].replace(/^([+-]\d{2}):?(\d{2}).*$/, "$1:$2");
  if (zone !== "Z" && (+zone.slice(1, 3) > 23 || +zone.slice(4) > 59)) return false;
  const utc = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] || "00"}${zone}`);
  return utc.getUTCFullYear() >= low && utc.getUTCFullYear() <= high;
}

function validUuid(text) {
  return UUID_HEX.test(text.replace("urn:", "").replace("uuid:", "").replace(/^\{+|\}+$/g, "").replaceAll("-", ""));
}

/** Text (and the fields built on it): trimmed, blank is null, lengths in code points, no control characters. */
function text(rule, value, context) {
  let s = value;
  if (rule.format === "multi-line") s = s.replaceAll("\r\n", "\n").replaceAll("\r", "\n");
  s = strip(s);
  const min = rule.minLength || 0;
  if (s === "" && min === 0 && types(rule).includes("null")) return null;
  if (length(s) < min) return min === 1 ? "required" : "too_short";
  if (length(s) > rule.maxLength) return "too_long";
  if ((rule.format === "multi-line" ? MULTI_LINE_BAD : ONE_LINE_BAD).test(s)) {
    return rule.format === "multi-line" ? "control_chars" : "one_line";
  }
  if (rule.format === "web-address" && !webAddress(s, rule.maxLength)) return "invalid_website";
  if (rule.format === "postal-code-fi" && !validPostalCode(s, context.country)) return "invalid_postal_code";
  return null;
}

const TEXT_FORMATS = new Set(["one-line", "multi-line", "web-address", "postal-code-fi"]);

function typeOk(value, allowed) {
  return allowed.some((t) => (t === "null" ? value === null
    : t === "integer" ? Number.isInteger(value)
      : t === "number" ? typeof value === "number" && Number.isFinite(value)
        : t === "array" ? Array.isArray(value)
          : t === "object" ? value !== null && typeof value === "object" && !Array.isArray(value)
            : typeof value === t));
}

/** The message key of what is wrong with one value, or null. */
export function checkValue(rule, value, context = {}) {
  if (value === undefined) return null;
  if (value === null) return types(rule).includes("null") ? null : "required";
  if (!typeOk(value, types(rule))) return "invalid_type";
  if (rule.enum && !rule.enum.includes(value)) return "invalid_choice";
  const f = rule.format;
  if (TEXT_FORMATS.has(f)) return text(rule, value, context);
  if (f === "y-tunnus") return validBusinessId(strip(value)) ? null : "invalid_business_id";
  if (typeof value === "string" && rule.maxLength !== undefined && length(value) > rule.maxLength) return "too_long";
  if (f === "email") return validEmail(value) ? null : "invalid_email";
  if (f === "date") return validDay(value, rule["x-years"]) ? null : "invalid_date";
  if (f === "date-time") return validInstant(value, rule["x-years"]) ? null : "invalid_date_time";
  if (f === "uuid") return validUuid(value) ? null : "invalid_id";
  if (typeof value === "string" && rule.pattern && !new RegExp(rule.pattern, "u").test(value)) {
    return f === "money" || f === "quantity" ? "invalid_number" : "invalid_format";
  }
  if (typeof value === "number" && (value < (rule.minimum ?? -Infinity) || value > (rule.maximum ?? Infinity))) {
    return "out_of_range";
  }
  if (Array.isArray(value)) {
    if (value.length > (rule.maxItems ?? Infinity)) return "too_many";
    return value.some((item) => Object.keys(validateRecord(rule.items, item)).length) ? "invalid_item" : null;
  }
  if (rule.type === "object" && rule.properties) return Object.keys(validateRecord(rule, value)).length ? "invalid_item" : null;
  return null;
}

/** Check a whole record (a create) against an object rule. */
function validateRecord(rule, fields, { partial = false, context = {} } = {}) {
  const errors = {};
  for (const [name, value] of Object.entries(fields || {})) {
    const r = rule.properties?.[name];
    const problem = r ? checkValue(r, value, context) : rule.additionalProperties === false ? "unknown_field" : null;
    if (problem) errors[name] = [problem];
  }
  if (!partial) for (const name of rule.required || []) if (!(name in (fields || {})) && !errors[name]) errors[name] = ["required"];
  for (const [later, earlier] of Object.entries(rule["x-not-before"] || {})) {
    const [end, start] = [fields?.[later], fields?.[earlier]];
    if (!errors[later] && !errors[earlier] && end && start && Date.parse(end) < Date.parse(start)) errors[later] = ["ends_before_start"];
  }
  return errors;
}

/**
 * {field: [message key]} for what the server would refuse in `fields` of an `entity`. `record` is
 * the stored record's data when editing (then only the sent fields are checked, and a postal code
 * alone is checked against the record's country), null when creating. No rules yet: {} (the
 * server still checks, and a refused field never holds back the others).
 */
export function validate(rules, entity, fields, record = null) {
  const rule = rules?.entities?.[entity];
  if (!rule) return {};
  const country = "country" in fields && checkValue(rule.properties?.country || {}, fields.country) === null
    ? fields.country : record ? record.country ?? null : "FI";
  return validateRecord(rule, fields, { partial: Boolean(record), context: { country } });
}
