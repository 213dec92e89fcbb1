import { test } from "node:test";
import assert from "node:assert/strict";

import { MAX_BYTES, Outbox, batchOf, makeOp, opBytes, uuid7, wireOp } from "../../pwa/static/js/outbox.js";
import { createMemoryStore } from "../../pwa/static/js/memory-store.js";

const counter = () => {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
};

test("makeOp builds a SPEC §5 op with a UTC edited_at", () => {
  const op = makeOp({ entity: "customer", id: "c1", fields: { name: "Aalto" }, baseVersion: 4,
    now: new Date(Date.UTC(2026, 10, 20, 8, 15)), uuid: () => "u-1" });
  assert.deepEqual(op, { op_id: "u-1", entity: "customer", id: "c1", type: "put", base_version: 4,
    fields: { name: "Aalto" }, edited_at: "2026-11-20T08:15:00.000Z" });
  const del = makeOp({ entity: "task", id: "t1", type: "delete", fields: { ignored: 1 } });
  assert.deepEqual(del.fields, {});
  assert.match(del.op_id, /^[0-9a-f-]{36}$/);
  assert.match(del.edited_at, /Z$/);
  assert.throws(() => makeOp({ entity: "customer", id: "c1", type: "patch" }), TypeError);
});

test("op ids are UUIDv7: version 7, RFC variant, ordered by the edit's millisecond", () => {
  const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const early = makeOp({ entity: "task", id: "t", now: new Date("2026-11-20T08:15:00.001Z") }).op_id;
  const late = makeOp({ entity: "task", id: "t", now: new Date("2026-11-20T08:15:00.002Z") }).op_id;
  assert.match(early, shape);
  assert.match(late, shape);
  assert.ok(early < late, `${early} should sort before ${late}`);
  assert.equal(early.replace(/-/g, "").slice(0, 12), Date.parse("2026-11-20T08:15:00.001Z").toString(16).padStart(12, "0"));
  assert.equal(uuid7(0, new Uint8Array(10).fill(255)), "00000000-0000-7fff-bfff-ffffffffffff");
  assert.equal(uuid7(2 ** 48 - 1, new Uint8Array(10)), "ffffffff-ffff-7000-8000-000000000000");
  const many = new Set(Array.from({ length: 1000 }, () => uuid7(5)));
  assert.equal(many.size, 1000, "ids made in one millisecond still differ");
});

test("put and remove queue ops in order, and the fields are copied", async () => {
  const outbox = new Outbox(createMemoryStore(), { uuid: counter() });
  const fields = { name: "A" };
  const a = await outbox.put("customer", "c1", fields, 3);
  fields.name = "changed later";
  const b = await outbox.remove("contact", "k1", 5);
  const pending = await outbox.pending();
  assert.deepEqual(pending.map((o) => [o.entity, o.type, o.base_version]), [["customer", "put", 3], ["contact", "delete", 5]]);
  assert.equal(pending[0].fields.name, "A");
  assert.ok(a.seq < b.seq);
  assert.equal(await outbox.count(), 2);
});

test("edits are never coalesced: each keeps its own op_id", async () => {
  const outbox = new Outbox(createMemoryStore());
  await outbox.put("customer", "c1", { name: "A" }, 1);
  await outbox.put("customer", "c1", { name: "B" }, 1);
  const ops = await outbox.pending();
  assert.equal(ops.length, 2);
  assert.notEqual(ops[0].op_id, ops[1].op_id);
});

test("takeBatch takes the oldest ops, at most max of them, and leaves them queued", async () => {
  const outbox = new Outbox(createMemoryStore(), { uuid: counter() });
  for (let i = 0; i < 1203; i++) await outbox.put("task", `t${i}`, { title: `T${i}` });
  const first = await outbox.takeBatch();
  assert.equal(first.length, 500);
  assert.equal(first[0].id, "t0");
  assert.equal(first[499].id, "t499");
  assert.equal((await outbox.takeBatch(10)).length, 10);
  const third = await outbox.takeBatch(500, { afterSeq: first[499].seq });
  assert.equal(third[0].id, "t500");
  assert.equal((await outbox.takeBatch(500, { afterSeq: third[499].seq })).length, 203);
  assert.equal(await outbox.count(), 1203);
});

test("a batch stays under 2 MiB of JSON, counted in UTF-8 bytes", async () => {
  const outbox = new Outbox(createMemoryStore(), { uuid: counter() });
  const notes = "ä".repeat(100 * 1024); // 200 KiB in UTF-8, 100 K characters
  for (let i = 0; i < 25; i++) await outbox.put("activity", `a${i}`, { notes });
  const batch = await outbox.takeBatch();
  const body = JSON.stringify({ client_id: "x".repeat(64), ops: batch.map(wireOp) });
  assert.ok(new TextEncoder().encode(body).length <= 2 * 1024 * 1024);
  // Full: one op more would not have fitted.
  const all = await outbox.pending();
  const size = (ops) => ops.reduce((sum, op) => sum + opBytes(op) + 1, 0);
  assert.ok(size(batch) <= MAX_BYTES);
  assert.ok(size(all.slice(0, batch.length + 1)) > MAX_BYTES);
  assert.ok(batch.length >= 9 && batch.length < 25);
});

test("an op too big for any request goes alone rather than blocking the queue", () => {
  const big = makeOp({ entity: "activity", id: "a", fields: { notes: "x".repeat(3 * 1024 * 1024) } });
  const small = makeOp({ entity: "activity", id: "b", fields: {} });
  assert.deepEqual(batchOf([big, small]).map((o) => o.id), ["a"]);
  assert.deepEqual(batchOf([small, big]).map((o) => o.id), ["b"]);
});

test("wireOp sends the outbox's seq, which orders this phone's own ops on the server", async () => {
  const wire = wireOp({ ...makeOp({ entity: "task", id: "t" }), seq: 9, local_note: "stays home" });
  assert.deepEqual(Object.keys(wire).sort(),
    ["base_version", "edited_at", "entity", "fields", "id", "op_id", "seq", "type"]);
  assert.equal(wire.seq, 9);
  // the phone's clock jumps back (NTP corrects it): the later edit still gets the larger seq
  let clock = new Date("2030-01-01T00:00:00Z");
  const outbox = new Outbox(createMemoryStore(), { now: () => clock });
  const early = await outbox.put("customer", "c", { preferred_contact: "A" }, 3);
  clock = new Date("2026-12-06T10:00:00Z");
  const late = await outbox.put("customer", "c", { preferred_contact: "B" }, 4);
  assert.ok(wireOp(late).seq > wireOp(early).seq && wireOp(late).edited_at < wireOp(early).edited_at);
});

test("settle: applied and conflict leave, rejected moves aside with its errors, unanswered stays", async () => {
  const store = createMemoryStore();
  const outbox = new Outbox(store, { uuid: counter(), now: () => new Date(Date.UTC(2026, 0, 2)) });
  const [a, c, r, u, x] = [
    await outbox.put("customer", "c1", { name: "A" }),
    await outbox.put("customer", "c2", { name: "C" }, 2),
    await outbox.put("contact", "k1", { email: "not-an-email" }),
    await outbox.put("task", "t1", { title: "U" }),
    await outbox.put("delivery", "d1", { status: "??" }),
  ];
  const rejection = { op_id: r.op_id, status: "rejected", version: null, conflicts: [], errors: { email: ["Not a valid email address."] } };
  const touched = await outbox.settle([
    { op_id: a.op_id, status: "applied", version: 10, conflicts: [], errors: {} },
    { op_id: c.op_id, status: "conflict", version: 11, conflicts: [{ field: "name", kept_value: "Z", lost_value: "C" }], errors: {} },
    rejection,
    { op_id: x.op_id, status: "something-new", errors: {} },
    { op_id: "not-in-outbox", status: "applied" },
  ]);
  assert.deepEqual([...touched].sort(), ["contact", "customer"]);
  assert.deepEqual((await outbox.pending()).map((o) => o.op_id), [u.op_id, x.op_id]);
  const rejected = await store.listRejected();
  assert.equal(rejected.length, 1);
  assert.deepEqual(rejected[0].op, wireOp(r));
  assert.deepEqual(rejected[0].result, rejection);
  assert.equal(rejected[0].at, "2026-01-02T00:00:00.000Z");

  // The same answer again (a retried request): nothing changes, nothing doubles.
  await outbox.settle([rejection]);
  assert.equal((await store.listRejected()).length, 1);
  await store.removeRejected(r.op_id);
  assert.deepEqual(await store.listRejected(), []);
});

test("onChange reports the pending count and can be unsubscribed", async () => {
  const outbox = new Outbox(createMemoryStore());
  const seen = [];
  const off = outbox.onChange((n) => seen.push(n));
  const op = await outbox.put("customer", "c1", { name: "A" });
  await outbox.put("customer", "c2", { name: "B" });
  await outbox.settle([{ op_id: op.op_id, status: "applied" }]);
  off();
  await outbox.remove("customer", "c2", 1);
  assert.deepEqual(seen, [1, 2, 1]);
});
