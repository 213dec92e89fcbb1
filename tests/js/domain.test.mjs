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
