// validate.js against the server: every sample of tests/fixtures/validation_samples.json (the push's
// own verdicts, dumped by tests/test_api_rules.py) gets the same verdict from the published rules
// (tests/fixtures/rules.json, GET /api/rules as that test checks it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { validate, validBusinessId } from "../../pwa/static/js/validate.js";

const load = (name) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8"));
const rules = load("rules.json");
const samples = load("validation_samples.json");

test("validate.js refuses exactly the fields the server refuses, sample by sample", () => {
  const wrong = [];
  for (const s of samples) {
    const bad = Object.keys(validate(rules, s.entity, s.fields, s.record)).sort();
    if (JSON.stringify(bad) !== JSON.stringify(s.bad)) wrong.push({ ...s, js: bad });
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${samples.length} samples disagree`);
  assert.ok(samples.length > 100);
});

test("the e-mail of the issue is refused with a message key, the phone beside it is not", () => {
  const errors = validate(rules, "customer", { phone: "+358 40 123 4567", email: "eiole@" }, { name: "Oy", country: "FI" });
  assert.deepEqual(errors, { email: ["invalid_email"] });
  assert.deepEqual(validate(rules, "customer", { name: "" }, null), { name: ["required"] });
  assert.deepEqual(validate(rules, "customer", { postal_code: "SW1A 1AA" }, { country: "FI" }),
    { postal_code: ["invalid_postal_code"] });
  assert.deepEqual(validate(rules, "customer", { postal_code: "SW1A 1AA", country: "GB" }, { country: "FI" }), {});
});

test("no rules yet (first start before a sync): nothing is refused, the server still checks", () => {
  assert.deepEqual(validate(null, "customer", { email: "eiole@" }, null), {});
  assert.deepEqual(validate({ entities: {} }, "customer", { email: "eiole@" }, null), {});
});

test("the Y-tunnus check digit", () => {
  assert.ok(validBusinessId("0112038-9"));
  assert.ok(!validBusinessId("0112038-8"));
  assert.ok(!validBusinessId("１２３４５６７-8"));
});

test("a put rejected for some fields: the valid ones are queued again, the refused ones wait in Needs attention", async () => {
  const { Outbox, remainderOf, wireOp } = await import("../../pwa/static/js/outbox.js");
  const { createMemoryStore } = await import("../../pwa/static/js/memory-store.js");
  const store = createMemoryStore();
  let n = 0;
  const outbox = new Outbox(store, { uuid: () => `op-${++n}`, now: () => new Date(Date.UTC(2026, 11, 6)) });
  const op = await outbox.put("customer", "c1", { business_id: "0112038-9", phone: "+358 40 1", city: "Oulu" }, 4);
  const later = await outbox.put("customer", "c1", { city: "Kemi" }, 4); // a later edit of city wins over the remainder
  const result = { op_id: op.op_id, status: "rejected", reason: "duplicate", conflicts: [],
    errors: { business_id: ["Another customer already has this Y-tunnus."] } };
  const touched = await outbox.settle([result]);
  assert.equal(touched.requeued, 1);
  const pending = await outbox.pending();
  assert.deepEqual(pending.map((o) => o.op_id), [later.op_id, "op-3"]);
  const again = pending[1];
  assert.deepEqual([again.fields, again.base_version, again.edited_at, again.split_of],
    [{ phone: "+358 40 1" }, 4, op.edited_at, op.op_id]);
  assert.ok(again.seq > later.seq);
  const [entry] = await store.listRejected();
  assert.deepEqual(entry.op.fields, { business_id: "0112038-9" }, "the refused value stays for review");
  assert.deepEqual(entry.requeued, ["phone"]);
  // The same answer again (the request was retried): nothing doubles.
  await store.addOps([{ ...wireOp(op), seq: undefined }]);
  const twice = await outbox.settle([{ ...result, op_id: op.op_id }]);
  assert.equal(twice.requeued, 0);
  // Errors that name no field of the op, every field, or a later delete: nothing to split.
  assert.equal(remainderOf({ type: "put", fields: { a: 1 } }, { errors: { id: ["x"] } }), null);
  assert.equal(remainderOf({ type: "put", fields: { a: 1 } }, { errors: { a: ["x"] } }), null);
  assert.equal(remainderOf({ type: "put", entity: "e", id: "i", seq: 1, fields: { a: 1, b: 2 } }, { errors: { a: ["x"] } },
    [{ type: "delete", entity: "e", id: "i", seq: 2 }]), null);
  assert.deepEqual(remainderOf({ type: "put", fields: { lines: [], total: 1 } }, { errors: { "lines.0.quantity": ["x"] } }),
    { total: 1 });
});

test("every message key validate.js can answer is in fi.json and en.json", () => {
  const source = readFileSync(new URL("../../pwa/static/js/validate.js", import.meta.url), "utf8");
  const keys = new Set(["required", ...[...source.matchAll(/"([a-z]+(?:_[a-z]+)+)"/g)].map((m) => m[1])]);
  assert.ok(keys.has("invalid_email") && keys.has("one_line"));
  for (const lang of ["fi", "en"]) {
    const strings = JSON.parse(readFileSync(new URL(`../../pwa/static/i18n/${lang}.json`, import.meta.url), "utf8"));
    assert.deepEqual([...keys].filter((k) => !(k in strings)), [], lang);
  }
});
