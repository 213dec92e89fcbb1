// Pure rules the screens share: search keys, the contact traffic light, the Today lists.
// No DOM, no I/O: tested with node --test.

export const DEFAULT_INTERVALS = { A: 30, B: 90, C: 180, D: 365 };
const DAY_MS = 86400000;

/** Lower-case and strip accents, so "jarvinen" finds "Järvinen" and "AALTO" finds "Aalto". */
export function searchKey(text) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * Build per-customer facts in one pass over the children: contacts, last done contact time,
 * a search key over name, city and contact names.
 */
const collator = new Intl.Collator("fi");

export function indexCustomers(customers, contacts, activities) {
  const byId = new Map(); // in name order, so a search can stop at the first `limit` matches
  const sorted = customers.map((c) => [c.data.name || "", c]).sort((a, b) => collator.compare(a[0], b[0]));
  for (const [, c] of sorted) {
    byId.set(c.id, { record: c, contacts: [], lastContact: null, key: "" });
  }
  for (const contact of contacts) {
    const entry = byId.get(contact.data.customer_id);
    if (entry) entry.contacts.push(contact);
  }
  for (const a of activities) {
    if (a.data.status !== "done") continue;
    const entry = byId.get(a.data.customer_id);
    const at = a.data.starts_at || a.data.ends_at;
    if (entry && at && (!entry.lastContact || at > entry.lastContact)) entry.lastContact = at;
  }
  for (const entry of byId.values()) {
    const d = entry.record.data;
    entry.key = searchKey([d.name, d.city, ...entry.contacts.map((c) => c.data.name), d.business_id, phoneKey(d.phone)].join(" "));
  }
  return byId;
}

/** "green" | "yellow" | "red" | "none": time since the last done contact against the interval. */
export function light(segment, lastContact, intervals = DEFAULT_INTERVALS, now = Date.now()) {
  const days = segment ? intervals[segment] : null;
  if (!days) return "none";
  if (!lastContact) return "red";
  const elapsed = (now - Date.parse(lastContact)) / DAY_MS;
  if (elapsed > days) return "red";
  return elapsed > days * 0.8 ? "yellow" : "green";
}

export function overdueDays(segment, lastContact, intervals = DEFAULT_INTERVALS, now = Date.now()) {
  const days = intervals[segment];
  if (!days) return 0;
  if (!lastContact) return Infinity;
  return Math.floor((now - Date.parse(lastContact)) / DAY_MS - days);
}

/**
 * Filter customers for the search screen; `query` words must all appear (any order). With
 * `ownerFirst` (a user id) that user's customers come first: the first `own` of `items` are theirs.
 * One pass over the index either way: `total` and `ownTotal` count every match, not just the page.
 */
export function searchCustomers(index, { query = "", segment = "", lightFilter = "", intervals, now, limit = 50, ownerFirst = null }) {
  const words = searchKey(query).split(/\s+/).filter(Boolean);
  const out = [];
  const others = [];
  let total = 0;
  let ownTotal = 0;
  for (const entry of index.values()) {
    const d = entry.record.data;
    if (d.archived) continue;
    if (segment && d.segment !== segment) continue;
    if (words.length && !words.every((w) => entry.key.includes(w))) continue;
    if (lightFilter && light(d.segment, entry.lastContact, intervals, now) !== lightFilter) continue;
    total += 1;
    const mine = ownerFirst && d.owner_id === ownerFirst;
    if (mine) ownTotal += 1;
    const into = ownerFirst && !mine ? others : out;
    if (into.length < limit) into.push(entry);
  }
  const own = ownerFirst ? out.length : 0;
  return { items: ownerFirst ? out.concat(others).slice(0, limit) : out, total, own, ownTotal };
}

/** A phone number's search forms: as typed, digits only, and Finnish national (+358 40… -> 040…). */
function phoneKey(phone) {
  if (!phone) return "";
  const digits = String(phone).replace(/[^\d+]/g, "");
  return [phone, digits, digits.startsWith("+358") ? `0${digits.slice(4)}` : ""].join(" ");
}

/**
 * Why a search row matched when its name alone does not explain the query: the field whose text
 * holds most of the words the name lacks ({field: "contact"|"business_id"|"phone"|"city", text}),
 * or null. Only the rows on screen are asked, so the search itself stays one key test per customer.
 */
export function matchReason(entry, query) {
  const words = searchKey(query).split(/\s+/).filter(Boolean);
  const nameKey = searchKey(entry.record.data.name);
  const rest = words.filter((w) => !nameKey.includes(w));
  if (!rest.length) return null;
  const d = entry.record.data;
  let best = null;
  let most = 0;
  const fields = [...entry.contacts.map((c) => ["contact", c.data.name]), ["business_id", d.business_id],
    ["phone", d.phone], ["city", d.city]];
  for (const [field, text] of fields) {
    if (!text) continue;
    const key = field === "phone" ? searchKey(phoneKey(text)) : searchKey(text);
    const n = rest.filter((w) => key.includes(w)).length;
    if (n > most) [best, most] = [{ field, text: String(text) }, n];
  }
  return best;
}

/**
 * Where the query's words are in `text`, as [start, end) ranges of the text as written (merged,
 * in order), for <mark>. Compared the way the search compares (case and accents ignored); with
 * `digits` only digits and + count, so "40123" is found in "+358 40 123 4567".
 */
export function matchRanges(text, query, { digits = false } = {}) {
  const words = searchKey(query).split(/\s+/).filter(Boolean);
  if (!text || !words.length) return [];
  let key = "";
  const from = []; // key index -> index in text
  const to = [];
  let i = 0;
  for (const ch of String(text)) {
    const k = digits ? (/[\d+]/.test(ch) ? ch : "") : searchKey(ch);
    for (let j = 0; j < k.length; j += 1) {
      from.push(i);
      to.push(i + ch.length);
    }
    key += k;
    i += ch.length;
  }
  const ranges = [];
  for (const w of words) {
    const plain = digits ? w.replace(/[^\d+]/g, "") : w;
    // A number typed the Finnish way (040…) is found in one written +358 40….
    const needles = digits && /^0\d/.test(plain) ? [plain, `+358${plain.slice(1)}`] : [plain];
    for (const needle of needles.filter(Boolean)) {
      for (let at = key.indexOf(needle); at >= 0; at = key.indexOf(needle, at + 1)) {
        ranges.push([from[at], to[at + needle.length - 1]]);
      }
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/** The Today screen's three lists for one user and one local day. */
export function today({ userId, day, activities, tasks, index, intervals, now, dayOf }) {
  const visits = activities
    .filter((a) => a.data.owner_id === userId && a.data.status === "planned" && a.data.starts_at
      && dayOf(a.data.starts_at) <= day)
    .sort((a, b) => a.data.starts_at.localeCompare(b.data.starts_at));
  const due = tasks
    .filter((x) => x.data.assignee_id === userId && x.data.status === "open" && x.data.due_on && x.data.due_on <= day)
    .sort((a, b) => (a.data.kind === "follow_up" ? 0 : 1) - (b.data.kind === "follow_up" ? 0 : 1)
      || a.data.due_on.localeCompare(b.data.due_on));
  const overdue = [];
  for (const entry of index.values()) {
    const d = entry.record.data;
    if (d.owner_id !== userId || d.archived || d.do_not_contact) continue;
    if (light(d.segment, entry.lastContact, intervals, now) === "red") {
      overdue.push({ entry, days: overdueDays(d.segment, entry.lastContact, intervals, now) });
    }
  }
  overdue.sort((a, b) => b.days - a.days);
  return { visits, due, overdue: overdue.slice(0, 30) };
}

/** The title a visit gets unless the rep writes one: "customer – site – purpose". */
export function visitTitle(customerName, site, purpose) {
  return [customerName, site, purpose].filter((part) => part && String(part).trim()).join(" – ");
}

/** Check a Finnish Y-tunnus (1234567-8) the way the server does, so a typo is caught on the spot. */
export function validBusinessId(value) {
  const m = /^(\d{7})-(\d)$/.exec(value || "");
  if (!m) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2];
  const sum = [...m[1]].reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  const rest = sum % 11;
  if (rest === 1) return false;
  return Number(m[2]) === (rest === 0 ? 0 : 11 - rest);
}

/** Check a postal code the way the server does: five digits in Finland, elsewhere letters, digits,
 * spaces or hyphens with at least one digit (SW1A 1AA, 5683 CG). */
export function validPostalCode(code, country = "FI") {
  if ((country || "FI") === "FI") return /^[0-9]{5}$/.test(code || "");
  return /^(?=[A-Za-z0-9 -]*[0-9])[A-Za-z0-9](?:[ -]?[A-Za-z0-9]){1,9}$/.test(code || "");
}

/** A web address as the server stores it (a bare host as typed gets https://), or null when it is none. */
export function webAddress(value) {
  const text = (value || "").trim();
  if (!text || /[\s\u0000-\u001f\u007f-\u009f]/.test(text)) return null;
  const full = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url;
  try {
    url = new URL(full);
  } catch {
    return null;
  }
  const plain = (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
  return plain && /^[^.]+(\.[^.]+)*\.[^.]{2,}\.?$/.test(url.hostname) ? full : null;
}

/** A YYYY-MM-DD day `n` days later (or earlier), calendar arithmetic only: no time zone can shift it. */
export function shiftDay(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The agenda under Today: one user's planned visits of the `days` days after `day`, grouped by
 * local day ([{day, visits}], days in order, visits by start). Today's and past ones are Today's own.
 */
export function agenda({ userId, day, days = 7, activities, dayOf }) {
  const last = shiftDay(day, days);
  const byDay = new Map();
  for (const a of activities) {
    const d = a.data;
    if (d.owner_id !== userId || d.status !== "planned" || !d.starts_at) continue;
    const on = dayOf(d.starts_at);
    if (on <= day || on > last) continue;
    if (!byDay.has(on)) byDay.set(on, []);
    byDay.get(on).push(a);
  }
  return [...byDay.keys()].sort().map((on) => ({
    day: on, visits: byDay.get(on).sort((a, b) => a.data.starts_at.localeCompare(b.data.starts_at)),
  }));
}

/** A tel: link for a number as typed ("+358 40 123 4567" -> "tel:+358401234567"), "" when none. */
export function telHref(phone) {
  const digits = String(phone || "").replace(/[^\d+]/g, "").replace(/(?!^)\+/g, "");
  return /\d{3}/.test(digits) ? `tel:${digits}` : "";
}

/**
 * A navigation link for an address. Google Maps' documented cross-platform URL: Android and iOS
 * hand it to the Maps app, a desktop opens it in the browser; a geo: URI would fail on iOS.
 * The app itself sends nothing anywhere: the rep's tap opens it.
 */
export function mapsHref(address) {
  const text = String(address || "").trim();
  return text ? `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(text)}` : "";
}

export const TASK_KINDS = ["follow_up", "complaint", "sample_order", "spare_part", "info", "other"];

/** A new task's fields from its form, or {error: i18n key} when something required is missing. */
export function newTask({ customerId, title, kind, dueOn, notes, userId }) {
  if (!customerId) return { error: "task_customer_required" };
  if (!title || !String(title).trim()) return { error: "task_title_required" };
  const fields = {
    customer_id: customerId, assignee_id: userId, status: "open", title: String(title).trim().slice(0, 200),
    kind: TASK_KINDS.includes(kind) ? kind : "other", due_on: dueOn || null, notes: notes || null,
  };
  return { fields: Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) };
}
