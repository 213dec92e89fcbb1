// Issue 17 item 12: the customer search says why a row matched, marks the matched part, and puts
// the rep's own customers first (saying how many), in the same single pass over the index.
import test from "node:test";
import assert from "node:assert/strict";
import { indexCustomers, matchRanges, matchReason, searchCustomers } from "../../pwa/static/js/domain.js";

const rec = (id, data) => ({ id, version: 1, deleted: false, data });
const customers = [
  rec("c1", { name: "Kahvila Aalto", city: "Tampere", owner_id: "me", business_id: "0112038-9", phone: "+358 40 123 4567" }),
  rec("c2", { name: "Leipomo Kivi", city: "Oulu", owner_id: "u2" }),
  rec("c3", { name: "Bistro Sointu", city: "Turku", owner_id: "me" }),
  rec("c4", { name: "Aalto-kahvilat", city: "Espoo", owner_id: "u2" }),
];
const contacts = [rec("p1", { customer_id: "c2", name: "Matti Virtanen" })];
const index = indexCustomers(customers, contacts, []);
const names = (r) => r.items.map((e) => e.record.data.name);
const entry = (id) => index.get(id);

test("a contact's name, the Y-tunnus and the phone (as typed or 040…) find the customer", () => {
  assert.deepEqual(names(searchCustomers(index, { query: "virtanen" })), ["Leipomo Kivi"]);
  assert.deepEqual(names(searchCustomers(index, { query: "0112038" })), ["Kahvila Aalto"]);
  assert.deepEqual(names(searchCustomers(index, { query: "040 123" })), ["Kahvila Aalto"]);
  assert.deepEqual(names(searchCustomers(index, { query: "+358401234567" })), ["Kahvila Aalto"]);
});

test("the reason names the field that holds what the name lacks, none when the name explains it", () => {
  assert.deepEqual(matchReason(entry("c2"), "matti"), { field: "contact", text: "Matti Virtanen" });
  assert.deepEqual(matchReason(entry("c2"), "leipomo virtanen"), { field: "contact", text: "Matti Virtanen" });
  assert.deepEqual(matchReason(entry("c1"), "0112038"), { field: "business_id", text: "0112038-9" });
  assert.deepEqual(matchReason(entry("c1"), "0401234"), { field: "phone", text: "+358 40 123 4567" });
  assert.deepEqual(matchReason(entry("c1"), "kahvila tampere"), { field: "city", text: "Tampere" });
  assert.equal(matchReason(entry("c1"), "kahvila"), null);
  assert.equal(matchReason(entry("c1"), ""), null);
});

test("match ranges point into the text as written: accents, case and spacing of phones ignored", () => {
  assert.deepEqual(matchRanges("Matti Virtanen", "virtanen"), [[6, 14]]);
  assert.deepEqual(matchRanges("Järvinen Äijälä", "jarv aija"), [[0, 4], [9, 13]]);
  assert.deepEqual(matchRanges("Aalto Aalto", "aal alto"), [[0, 5], [6, 11]]); // overlapping ones merged
  assert.deepEqual(matchRanges("+358 40 123 4567", "40123", { digits: true }), [[5, 11]]);
  assert.deepEqual(matchRanges("+358 40 123 4567", "0401", { digits: true }), [[0, 9]]);
  assert.deepEqual(matchRanges("Kahvila", ""), []);
  assert.deepEqual(matchRanges("", "x"), []);
});

test("ownerFirst puts the user's customers first and counts them, in name order within each part", () => {
  const all = searchCustomers(index, { ownerFirst: "me" });
  assert.deepEqual(names(all), ["Bistro Sointu", "Kahvila Aalto", "Aalto-kahvilat", "Leipomo Kivi"]);
  assert.equal(all.own, 2);
  assert.equal(all.ownTotal, 2);
  const capped = searchCustomers(index, { ownerFirst: "me", limit: 3 });
  assert.deepEqual(names(capped), ["Bistro Sointu", "Kahvila Aalto", "Aalto-kahvilat"]);
  assert.equal(capped.total, 4);
  const one = searchCustomers(index, { ownerFirst: "me", limit: 1 });
  assert.deepEqual([names(one), one.own, one.ownTotal], [["Bistro Sointu"], 1, 2]);
  assert.equal(searchCustomers(index, {}).own, 0); // without ownerFirst: name order only
  assert.deepEqual(names(searchCustomers(index, {})), ["Aalto-kahvilat", "Bistro Sointu", "Kahvila Aalto", "Leipomo Kivi"]);
});
