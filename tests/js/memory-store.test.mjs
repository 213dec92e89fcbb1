// The in-memory store must behave as db.js does over IndexedDB: the other tests trust it.
import { test } from "node:test";
import assert from "node:assert/strict";

import { createMemoryStore } from "../../pwa/static/js/memory-store.js";

test("applyChanges stores pulled records, deletes tombstones and sets the cursor", async () => {
  const store = createMemoryStore();
  await store.applyChanges([
    { entity: "customer", id: "c1", version: 1, deleted: false, data: { name: "A" } },
    { entity: "contact", id: "k1", version: 2, deleted: false, data: { customer_id: "c1" } },
    { entity: "conflict", id: "x1", version: 3, deleted: false, data: { field: "name" } },
  ], 3);
  assert.deepEqual(await store.get("customer", "c1"), { id: "c1", version: 1, deleted: false, data: { name: "A" } });
  assert.equal(await store.getMeta("cursor"), 3);
  assert.equal((await store.all("conflict")).length, 1);

  await store.applyChanges([
    { entity: "contact", id: "k1", version: 4, deleted: true, data: {} },
    { entity: "customer", id: "c1", version: 5, deleted: false, data: { name: "B" } },
    { entity: "gadget", id: "g1", version: 6, deleted: false, data: {} }, // from a newer server
  ], 6);
  assert.equal(await store.get("contact", "k1"), undefined);
  assert.equal((await store.get("customer", "c1")).data.name, "B");
  assert.equal(await store.getMeta("cursor"), 6);
});

test("a reset page replaces every record but keeps the outbox and the meta", async () => {
  const store = createMemoryStore();
  await store.applyChanges([{ entity: "customer", id: "old", version: 90, deleted: false, data: {} }], 90);
  await store.addOps([{ op_id: "o1", entity: "customer", id: "c9" }]);
  await store.setMeta("token", "t");
  await store.applyChanges([{ entity: "customer", id: "new", version: 1, deleted: false, data: {} }], 1, { reset: true });
  assert.deepEqual((await store.all("customer")).map((r) => r.id), ["new"]);
  assert.equal((await store.listOps()).length, 1);
  assert.equal(await store.getMeta("token"), "t");
});

test("values are copied in and out, as IndexedDB's structured clone does", async () => {
  const store = createMemoryStore();
  const data = { name: "A" };
  await store.applyChanges([{ entity: "customer", id: "c1", version: 1, deleted: false, data }], 1);
  data.name = "mutated";
  const got = await store.get("customer", "c1");
  got.data.name = "mutated too";
  assert.equal((await store.get("customer", "c1")).data.name, "A");
});

test("the outbox keeps seq order and removes by op_id; seq never repeats", async () => {
  const store = createMemoryStore();
  const added = await store.addOps([{ op_id: "a" }, { op_id: "b" }, { op_id: "c" }]);
  assert.deepEqual(added.map((o) => o.seq), [1, 2, 3]);
  await store.removeOps(["b", "nope"]);
  assert.deepEqual((await store.listOps()).map((o) => o.op_id), ["a", "c"]);
  await store.clearAll();
  const [d] = await store.addOps([{ op_id: "d" }]);
  assert.equal(d.seq, 4, "IndexedDB's key generator survives clear(); so does this one");
});

test("clearAll wipes records, outbox, rejected and meta", async () => {
  const store = createMemoryStore();
  await store.applyChanges([{ entity: "task", id: "t1", version: 1, deleted: false, data: {} }], 1);
  await store.addOps([{ op_id: "o1" }]);
  await store.addRejected([{ op: { op_id: "o2" }, result: { status: "rejected" }, at: "2026-01-01T00:00:00.000Z" }]);
  await store.setMeta("token", "t");
  await store.clearAll();
  assert.deepEqual(await store.all("task"), []);
  assert.deepEqual(await store.listOps(), []);
  assert.deepEqual(await store.listRejected(), []);
  assert.equal(await store.getMeta("token"), undefined);
  assert.equal(await store.getMeta("cursor"), undefined);
});

test("rejected entries are listed oldest first and keyed by op_id", async () => {
  const store = createMemoryStore();
  const entry = (id, at) => ({ op: { op_id: id }, result: { status: "rejected", errors: {} }, at });
  await store.addRejected([entry("z", "2026-01-01T00:00:00.000Z"), entry("a", "2026-01-03T00:00:00.000Z")]);
  await store.addRejected([entry("m", "2026-01-02T00:00:00.000Z"), entry("z", "2026-01-01T00:00:00.000Z")]);
  assert.deepEqual((await store.listRejected()).map((e) => e.op.op_id), ["z", "m", "a"]);
});
