import { test } from "node:test";
import assert from "node:assert/strict";

import { rebaseAll, rebaseRecord } from "../../pwa/static/js/rebase.js";

const C1 = "00000000-0000-4000-8000-000000000001";
const C2 = "00000000-0000-4000-8000-000000000002";
const OUTLET = "00000000-0000-4000-8000-000000000003";
const K1 = "00000000-0000-4000-8000-0000000000a1";
const A1 = "00000000-0000-4000-8000-0000000000b1";

let n = 0;
const op = (entity, id, type, fields = {}, base = 0) =>
  ({ op_id: `op-${++n}`, entity, id, type, base_version: base, fields, edited_at: "2026-11-20T08:15:00.000Z" });
const rec = (id, version, data, deleted = false) => ({ id, version, deleted, data });

test("a put overlays its fields on the server record and marks it pending", () => {
  const server = rec(C1, 7, { name: "Kahvila Aalto", city: "Tampere" });
  const view = rebaseRecord(server, [op("customer", C1, "put", { city: "Turku" }, 7)]);
  assert.deepEqual(view, { id: C1, version: 7, deleted: false, data: { name: "Kahvila Aalto", city: "Turku" }, pending: true });
  assert.equal(server.data.city, "Tampere", "the server copy is not mutated");
});

test("without ops the server record itself is shown, and tombstones are hidden", () => {
  const server = rec(C1, 7, { name: "A" });
  assert.equal(rebaseRecord(server, []), server);
  assert.equal(rebaseRecord(server, undefined), server);
  assert.equal(rebaseRecord(rec(C1, 8, { name: "A" }, true), []), undefined);
  assert.equal(rebaseRecord(undefined, []), undefined);
});

test("a put on an unknown record creates it at version 0", () => {
  const view = rebaseRecord(undefined, [op("customer", C2, "put", { name: "Uusi" })]);
  assert.deepEqual(view, { id: C2, version: 0, deleted: false, data: { name: "Uusi" }, pending: true });
});

test("a delete hides the record; a later put restores it with its old fields", () => {
  const server = rec(C1, 3, { name: "A", city: "Oulu" });
  assert.equal(rebaseRecord(server, [op("customer", C1, "delete", {}, 3)]), undefined);
  const back = rebaseRecord(server, [op("customer", C1, "delete", {}, 3), op("customer", C1, "put", { name: "B" }, 3)]);
  assert.deepEqual(back.data, { name: "B", city: "Oulu" });
});

test("ops apply in outbox order: the last put of a field wins", () => {
  const ops = [op("customer", C1, "put", { city: "Turku", name: "X" }), op("customer", C1, "put", { city: "Vaasa" })];
  assert.deepEqual(rebaseRecord(rec(C1, 1, {}), ops).data, { city: "Vaasa", name: "X" });
  assert.deepEqual(rebaseRecord(rec(C1, 1, {}), [...ops].reverse()).data, { city: "Turku", name: "X" });
});

test("an unsent op stays on top of a newer server version", () => {
  // The server moved to version 9 (a colleague's edit) while our edit made on version 3 waits.
  const server = rec(C1, 9, { name: "Colleague's name", city: "Oulu" });
  const view = rebaseRecord(server, [op("customer", C1, "put", { name: "My name" }, 3)]);
  assert.equal(view.version, 9, "the view keeps the server version as the next base");
  assert.deepEqual(view.data, { name: "My name", city: "Oulu" });
});

test("rebaseAll reuses untouched records and overlays, creates and deletes", () => {
  const c1 = rec(C1, 1, { name: "A" });
  const c2 = rec(C2, 2, { name: "B" });
  const views = rebaseAll({ customer: [c1, c2] }, [
    op("customer", C2, "put", { name: "B2" }, 2),
    op("customer", OUTLET, "put", { name: "New" }),
    op("customer", C1, "delete", {}, 1),
  ]);
  assert.deepEqual([...views.customer.keys()].sort(), [C2, OUTLET].sort());
  assert.equal(views.customer.get(C2).data.name, "B2");
  assert.equal(views.customer.get(OUTLET).version, 0);
  for (const entity of ["contact", "activity", "task", "delivery", "conflict"]) {
    assert.ok(views[entity] instanceof Map, `${entity} has a view`);
  }
  const untouched = rebaseAll({ customer: [c1, c2] }, [op("customer", C2, "put", { name: "Z" })]);
  assert.equal(untouched.customer.get(C1), c1, "same object, not a copy");
});

test("a created record deleted again before sending leaves nothing", () => {
  const views = rebaseAll({}, [op("customer", C1, "put", { name: "Oops" }), op("customer", C1, "delete")]);
  assert.equal(views.customer.size, 0);
});

test("children of a customer deleted here are hidden, down through outlets", () => {
  const server = {
    customer: [rec(C1, 1, { name: "Chain" }), rec(OUTLET, 2, { name: "Outlet", parent_id: C1 }), rec(C2, 3, { name: "Other" })],
    contact: [rec(K1, 4, { customer_id: OUTLET, name: "Outlet buyer" }), rec("k2", 5, { customer_id: C2, name: "Stays" })],
    activity: [rec(A1, 6, { customer_id: C1, contact_id: "k2", title: "Visit" })],
    task: [rec("t1", 7, { customer_id: C1, title: "Call" })],
    delivery: [rec("d1", 8, { customer_id: OUTLET, order_no: "1" })],
  };
  const views = rebaseAll(server, [
    op("customer", C1, "delete", {}, 1),
    op("activity", "a-new", "put", { customer_id: OUTLET, title: "Made offline" }),
  ]);
  assert.deepEqual([...views.customer.keys()], [C2]);
  assert.deepEqual([...views.contact.keys()], ["k2"]);
  assert.equal(views.activity.size, 0);
  assert.equal(views.task.size, 0);
  assert.equal(views.delivery.size, 0);
});

test("a child pointing at a customer the phone never had stays visible", () => {
  const views = rebaseAll({ contact: [rec(K1, 1, { customer_id: "not-pulled-yet" })] }, [
    op("customer", C1, "delete", {}, 1),
  ]);
  assert.ok(views.contact.has(K1));
});

test("a loose reference does not cascade: deleting a contact keeps its visits", () => {
  const server = {
    customer: [rec(C1, 1, {})],
    contact: [rec(K1, 2, { customer_id: C1 })],
    activity: [rec(A1, 3, { customer_id: C1, contact_id: K1 })],
  };
  const views = rebaseAll(server, [op("contact", K1, "delete", {}, 2)]);
  assert.equal(views.contact.size, 0);
  assert.ok(views.activity.has(A1));
});

test("a record moved out of a deleted chain stays visible", () => {
  const server = { customer: [rec(C1, 1, {}), rec(OUTLET, 2, { parent_id: C1 })] };
  const views = rebaseAll(server, [
    op("customer", OUTLET, "put", { parent_id: null }, 2),
    op("customer", C1, "delete", {}, 1),
  ]);
  assert.deepEqual([...views.customer.keys()], [OUTLET]);
});

test("rebaseAll at full size: 5000 customers and 20000 others with 1000 ops", () => {
  const customers = Array.from({ length: 5000 }, (_, i) => rec(`c${i}`, i + 1, { name: `C ${i}` }));
  const contacts = Array.from({ length: 20000 }, (_, i) => rec(`k${i}`, i + 9000, { customer_id: `c${i % 5000}` }));
  const ops = Array.from({ length: 1000 }, (_, i) =>
    i % 10 === 0 ? op("customer", `c${i}`, "delete", {}, i + 1) : op("contact", `k${i}`, "put", { name: "x" }));
  const views = rebaseAll({ customer: customers, contact: contacts }, ops);
  // Each deleted customer takes its four contacts (k_i, k_i+5000, ...) with it.
  assert.equal(views.customer.size, 5000 - 100);
  assert.equal(views.contact.size, 20000 - 400);
  assert.equal(views.contact.get("k1").data.name, "x");
});
