// A 410 resync_required on pull (the server pruned deletes past the phone's cursor): the phone
// keeps its outbox, replaces its records with a pull from cursor 0 to the end, and says so once.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Outbox } from "../../pwa/static/js/outbox.js";
import { createMemoryStore } from "../../pwa/static/js/memory-store.js";
import { Sync } from "../../pwa/static/js/sync.js";

const response = (status, body) => ({ status, ok: status >= 200 && status < 300, headers: { get: () => null },
  json: async () => body });
const gone = () => response(410, { error: { code: "resync_required", message: "Pull again from cursor 0." } });
const record = (id, version, data = { name: id }) => ({ entity: "customer", id, version, deleted: false, data });

/** A server that answers each pull from its script by cursor, and applies every pushed op. */
function server(pages) {
  const log = [];
  const fetch = async (url, init = {}) => {
    const { pathname, searchParams } = new URL(url, "http://phone.test");
    const body = init.body ? JSON.parse(init.body) : null;
    log.push(pathname === "/api/sync/push" ? `push ${body.ops.map((o) => o.fields.name).join(",")}`
      : `pull ${searchParams.get("cursor")}`);
    if (pathname === "/api/sync/push") {
      return response(200, { results: body.ops.map((o) => ({ op_id: o.op_id, status: "applied", version: 50,
        conflicts: [], errors: {} })), cursor: 50 });
    }
    const page = pages[searchParams.get("cursor")];
    return typeof page === "function" ? page() : response(200, page);
  };
  return { log, fetch };
}

async function phone(fake) {
  const store = createMemoryStore();
  await store.setMeta("token", "t");
  await store.applyChanges([record("deleted-meanwhile", 5), record("kept", 6)], 6);
  const outbox = new Outbox(store);
  const notes = [];
  const sync = new Sync({ store, outbox, fetch: fake.fetch, clientId: "phone-1", onResync: () => notes.push("resync"),
    setTimeout: () => 0, clearTimeout: () => {} });
  return { store, outbox, sync, notes };
}

test("a 410 on pull: the outbox is pushed and kept until settled, the copy replaced from cursor 0", async () => {
  const fake = server({
    6: gone,
    0: { changes: [record("kept", 7)], cursor: 30, more: true },
    30: { changes: [record("mine", 50, { name: "Offline edit" })], cursor: 50, more: false },
  });
  const p = await phone(fake);
  await p.outbox.put("customer", "mine", { name: "Offline edit" });
  const state = await p.sync.syncNow();
  assert.equal(state.status, "idle");
  assert.deepEqual(fake.log, ["push Offline edit", "pull 6", "pull 0", "pull 30"]);
  assert.deepEqual((await p.store.all("customer")).map((r) => r.id).sort(), ["kept", "mine"]);
  assert.equal(await p.store.getMeta("cursor"), 50);
  assert.deepEqual(p.notes, ["resync"]);
  assert.equal(await p.outbox.count(), 0, "the pushed op settled once the pull brought it back");
});

test("a 410 at cursor 0 is an error, not a loop; a plain pull says nothing", async () => {
  const fake = server({ 6: { changes: [], cursor: 6, more: false }, 0: gone });
  const p = await phone(fake);
  assert.equal((await p.sync.syncNow()).status, "idle");
  assert.deepEqual(p.notes, []);
  await p.store.setMeta("cursor", 0);
  assert.equal((await p.sync.syncNow()).status, "error");
  assert.deepEqual(fake.log, ["pull 6", "pull 0"]);
});
