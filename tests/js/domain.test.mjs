// The screens' pure rules: search keys, the traffic light, the Today lists, the visit title, Y-tunnus.
import test from "node:test";
import assert from "node:assert/strict";
import { indexCustomers, light, searchCustomers, searchKey, today, validBusinessId, validPostalCode, visitTitle,
  webAddress } from "../../pwa/static/js/domain.js";

const DAY = 86400000;
const NOW = Date.parse("2026-11-25T10:00:00Z");
const rec = (id, data) => ({ id, version: 1, deleted: false, data });
const ago = (days) => new Date(NOW - days * DAY).toISOString();

test("search keys ignore case and Finnish accents", () => {
  assert.equal(searchKey("Järvinen ÅBO"), "jarvinen abo");
});

test("light compares time since the last done contact with the segment interval", () => {
  assert.equal(light("A", ago(10), undefined, NOW), "green");
  assert.equal(light("A", ago(27), undefined, NOW), "yellow");
  assert.equal(light("A", ago(31), undefined, NOW), "red");
  assert.equal(light("A", null, undefined, NOW), "red");
  assert.equal(light(null, ago(400), undefined, NOW), "none");
  assert.equal(light("B", ago(31), { B: 20 }, NOW), "red");
});

test("customer search matches name, city and contact names, in name order, counting all", () => {
  const customers = [rec("c1", { name: "Öljy Oy", city: "Turku", segment: "A" }), rec("c2", { name: "Aalto Kahvila", city: "Tampere", segment: "B" }),
    rec("c3", { name: "Bistro", city: "Turku", segment: "A", archived: true })];
  const contacts = [rec("p1", { customer_id: "c1", name: "Mikko Järvinen" })];
  const activities = [rec("a1", { customer_id: "c2", status: "done", starts_at: ago(5) })];
  const index = indexCustomers(customers, contacts, activities);
  const names = (r) => r.items.map((e) => e.record.data.name);
  assert.deepEqual(names(searchCustomers(index, { query: "jarvinen" })), ["Öljy Oy"]);
  assert.deepEqual(names(searchCustomers(index, { query: "t" })), ["Aalto Kahvila", "Öljy Oy"]);
  assert.deepEqual(names(searchCustomers(index, { query: "turku" })), ["Öljy Oy"]); // archived hidden
  assert.deepEqual(names(searchCustomers(index, { segment: "B" })), ["Aalto Kahvila"]);
  assert.deepEqual(names(searchCustomers(index, { lightFilter: "red", now: NOW })), ["Öljy Oy"]);
  const many = indexCustomers(Array.from({ length: 80 }, (_, i) => rec(`x${i}`, { name: `Asiakas ${String(i).padStart(2, "0")}` })), [], []);
  const page = searchCustomers(many, { query: "asiakas", limit: 50 });
  assert.equal(page.total, 80);
  assert.equal(page.items.length, 50);
  assert.equal(page.items[0].record.data.name, "Asiakas 00");
});

test("today lists: my planned visits, my due tasks with follow-ups first, my overdue customers", () => {
  const me = "u1";
  const customers = [rec("c1", { name: "A", segment: "A", owner_id: me }), rec("c2", { name: "B", segment: "A", owner_id: "u2" }),
    rec("c3", { name: "C", segment: "C", owner_id: me })];
  const activities = [
    rec("v1", { customer_id: "c1", owner_id: me, status: "planned", starts_at: "2026-11-25T08:00:00Z" }),
    rec("v2", { customer_id: "c1", owner_id: "u2", status: "planned", starts_at: "2026-11-25T08:00:00Z" }),
    rec("v3", { customer_id: "c1", owner_id: me, status: "planned", starts_at: "2026-11-27T08:00:00Z" }),
    rec("v4", { customer_id: "c3", owner_id: me, status: "done", starts_at: ago(10) }),
  ];
  const tasks = [
    rec("t1", { assignee_id: me, status: "open", kind: "info", due_on: "2026-11-20", title: "x" }),
    rec("t2", { assignee_id: me, status: "open", kind: "follow_up", due_on: "2026-11-25", title: "y" }),
    rec("t3", { assignee_id: me, status: "done", kind: "follow_up", due_on: "2026-11-25", title: "z" }),
    rec("t4", { assignee_id: me, status: "open", kind: "info", due_on: "2026-11-26", title: "w" }),
  ];
  const index = indexCustomers(customers, [], activities);
  const out = today({ userId: me, day: "2026-11-25", activities, tasks, index, now: NOW, dayOf: (s) => s.slice(0, 10) });
  assert.deepEqual(out.visits.map((v) => v.id), ["v1"]);
  assert.deepEqual(out.due.map((x) => x.id), ["t2", "t1"]);
  assert.deepEqual(out.overdue.map((o) => o.entry.record.id), ["c1"]);
});

test("visit title is customer – site – purpose, skipping blanks", () => {
  assert.equal(visitTitle("Kahvila Aalto", "Tampere", "tilaus"), "Kahvila Aalto – Tampere – tilaus");
  assert.equal(visitTitle("Kahvila Aalto", "", "tilaus"), "Kahvila Aalto – tilaus");
});

test("Y-tunnus check digit as the server computes it", () => {
  assert.equal(validBusinessId("0737546-2"), true);
  assert.equal(validBusinessId("0737546-3"), false);
  assert.equal(validBusinessId("737546-2"), false);
});

test("postal codes are checked as the server checks them", () => {
  for (const code of ["00100", "33100"]) assert.equal(validPostalCode(code), true, code);
  for (const code of ["ABCDE", "1234", "123456", "00 100", "", null]) assert.equal(validPostalCode(code), false, code);
  for (const [code, country] of [["422 46", "SE"], ["SW1A 1AA", "GB"], ["100-0001", "JP"], ["7037", "NO"]]) {
    assert.equal(validPostalCode(code, country), true, code);
  }
  for (const code of ["ABCDE", "--", "1", "12345678901"]) assert.equal(validPostalCode(code, "SE"), false, code);
});

test("a web address gets https:// as the server stores it, and what is none is refused", () => {
  assert.equal(webAddress("www.aalto.fi"), "https://www.aalto.fi");
  assert.equal(webAddress("aalto.fi/kahvila"), "https://aalto.fi/kahvila");
  assert.equal(webAddress("http://aalto.fi/x?y=1"), "http://aalto.fi/x?y=1");
  assert.equal(webAddress("https://äänekoski.fi/"), "https://äänekoski.fi/");
  for (const bad of ["notaurl", "javascript:alert(1)", "ftp://aalto.fi", "https://", "http://localhost",
    "https://user:pw@aalto.fi", "https://www.pankki.fi@evil.example/", "https://aalto.fi/a b", "a.b", ""]) {
    assert.equal(webAddress(bad), null, bad);
  }
});

// The agenda, new tasks, call and route (issue 17, "what a rep misses").
import { agenda, mapsHref, newTask, shiftDay, telHref } from "../../pwa/static/js/domain.js";

test("shiftDay moves over month and year ends", () => {
  assert.equal(shiftDay("2026-12-31", 1), "2027-01-01");
  assert.equal(shiftDay("2026-03-01", -1), "2026-02-28");
  assert.equal(shiftDay("2026-12-06", 7), "2026-12-13");
});

test("agenda groups the next days' own planned visits by day, today and later weeks left out", () => {
  const visit = (id, startsAt, extra = {}) => rec(id, { owner_id: "u1", status: "planned", starts_at: startsAt, ...extra });
  const acts = [
    visit("today", "2026-12-06T09:00:00"), visit("tomorrow-late", "2026-12-07T15:00:00"),
    visit("tomorrow-early", "2026-12-07T08:00:00"), visit("friday", "2026-12-11T10:00:00"),
    visit("week-end", "2026-12-13T10:00:00"), visit("too-far", "2026-12-14T10:00:00"),
    visit("done", "2026-12-08T10:00:00", { status: "done" }), visit("other", "2026-12-08T10:00:00", { owner_id: "u2" }),
    visit("no-time", null),
  ];
  const days = agenda({ userId: "u1", day: "2026-12-06", activities: acts, dayOf: (at) => at.slice(0, 10) });
  assert.deepEqual(days.map((d) => [d.day, d.visits.map((v) => v.id)]), [
    ["2026-12-07", ["tomorrow-early", "tomorrow-late"]], ["2026-12-11", ["friday"]], ["2026-12-13", ["week-end"]],
  ]);
});

test("telHref keeps the digits and a leading plus", () => {
  assert.equal(telHref("+358 40 123-4567"), "tel:+358401234567");
  assert.equal(telHref("(09) 123 456"), "tel:09123456");
  assert.equal(telHref("ei ole"), "");
  assert.equal(telHref(null), "");
});

test("mapsHref is Google Maps' search URL with the address encoded", () => {
  assert.equal(mapsHref("Hämeenkatu 1, 33100 Tampere"),
    "https://www.google.com/maps/search/?api=1&query=H%C3%A4meenkatu%201%2C%2033100%20Tampere");
  assert.equal(mapsHref("  "), "");
});

test("newTask needs a customer and a title, and drops empty fields", () => {
  assert.deepEqual(newTask({ title: "x", userId: "u1" }), { error: "task_customer_required" });
  assert.deepEqual(newTask({ customerId: "c1", title: "  ", userId: "u1" }), { error: "task_title_required" });
  assert.deepEqual(newTask({ customerId: "c1", title: " Soita ", kind: "bogus", dueOn: "2026-12-07", userId: "u1" }).fields,
    { customer_id: "c1", assignee_id: "u1", status: "open", title: "Soita", kind: "other", due_on: "2026-12-07" });
});
