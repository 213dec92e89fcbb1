// The slim pull's filling (wire.js): absent fields come back with the page's fill value, in the
// full pull's key order; present values (also falsy ones) are kept; a page without fill is as sent.
import { test } from "node:test";
import assert from "node:assert/strict";

import { filledChanges } from "../../pwa/static/js/wire.js";

const fill = { customer: { created_at: null, updated_at: null, name: null, stage: "new", archived: false, notes: null } };

test("absent fields are filled in the full pull's order", () => {
  const body = { fill, changes: [{ entity: "customer", id: "a", version: 3, deleted: false,
    data: { created_at: "2026-12-06T08:00:00Z", updated_at: "2026-12-06T08:00:00Z", name: "Kahvila" } }] };
  const [change] = filledChanges(body);
  assert.deepEqual(change.data, { created_at: "2026-12-06T08:00:00Z", updated_at: "2026-12-06T08:00:00Z",
    name: "Kahvila", stage: "new", archived: false, notes: null });
  assert.deepEqual(Object.keys(change.data), Object.keys(fill.customer));
  assert.equal(body.changes[0].data.stage, undefined); // the page itself is not changed
});

test("values that differ from the fill are kept, falsy ones too", () => {
  const data = { name: "", stage: "won", archived: true, notes: 0, extra: 1 };
  const [change] = filledChanges({ fill, changes: [{ entity: "customer", id: "a", version: 1, deleted: false, data }] });
  assert.deepEqual(change.data, { created_at: null, updated_at: null, ...data });
  assert.deepEqual(Object.keys(change.data).at(-1), "extra");
});

test("a page without fill, an unknown entity and a tombstone pass as they are", () => {
  const changes = [{ entity: "customer", id: "a", version: 1, deleted: false, data: { name: "A" } }];
  assert.equal(filledChanges({ changes }), changes);
  const other = { entity: "gadget", id: "b", version: 2, deleted: false, data: { x: 1 } };
  assert.deepEqual(filledChanges({ fill, changes: [other] }), [other]);
  assert.deepEqual(filledChanges({ fill }), []);
});
