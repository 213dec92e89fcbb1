// chrome.js freshConflicts: which conflicts a sync brought are told (mine, unresolved, not told before)
// and which ids to remember (only the unresolved ones of mine, so the list never grows).
import { test } from "node:test";
import assert from "node:assert/strict";

import { freshConflicts } from "../../pwa/static/js/ui/chrome.js";

const conflict = (id, lostBy, resolved = false) => ({ id, data: { lost_by: lostBy, resolved, entity: "customer", field: "phone" } });

test("only my unresolved conflicts not seen before are fresh", () => {
  const all = [conflict("a", "me"), conflict("b", "me"), conflict("c", "other"), conflict("d", "me", true)];
  const { fresh, remember } = freshConflicts(all, "me", ["a"]);
  assert.deepEqual(fresh.map((c) => c.id), ["b"]);
  assert.deepEqual(remember, ["a", "b"]);
});

test("a resolved conflict drops out of the remembered ids and nothing is told twice", () => {
  const first = freshConflicts([conflict("a", "me")], "me", []);
  assert.equal(first.fresh.length, 1);
  const again = freshConflicts([conflict("a", "me")], "me", first.remember);
  assert.equal(again.fresh.length, 0);
  assert.deepEqual(freshConflicts([conflict("a", "me", true)], "me", again.remember).remember, []);
});
