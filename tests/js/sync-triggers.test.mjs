// The window and service-worker triggers around the sync: thin, but the UI relies on their shape.
import { test } from "node:test";
import assert from "node:assert/strict";

import { autoSync, requestBackgroundSync } from "../../pwa/static/js/sync.js";

test("autoSync syncs on online and on becoming visible, and removes its listeners", async () => {
  const calls = [];
  const target = () => {
    const listeners = new Map();
    return { listeners, addEventListener: (t, fn) => listeners.set(t, fn), removeEventListener: (t) => listeners.delete(t) };
  };
  const doc = { ...target(), visibilityState: "hidden" };
  const win = { ...target(), document: doc };
  const off = autoSync({ syncNow: () => calls.push("sync") }, win);
  win.listeners.get("online")();
  doc.listeners.get("visibilitychange")();
  doc.visibilityState = "visible";
  doc.listeners.get("visibilitychange")();
  assert.deepEqual(calls, ["sync", "sync"]);
  off();
  assert.equal(win.listeners.size + doc.listeners.size, 0);
});

test("requestBackgroundSync registers the tag where the browser has Background Sync", async () => {
  const tags = [];
  assert.equal(await requestBackgroundSync({ sync: { register: async (t) => tags.push(t) } }), true);
  assert.deepEqual(tags, ["kentta-sync"]);
  assert.equal(await requestBackgroundSync({}), false);
  assert.equal(await requestBackgroundSync({ sync: { register: async () => { throw new Error("denied"); } } }), false);
});
