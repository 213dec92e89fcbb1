// A long first sync: progress ("records so far of about how many") and resume after the network
// drops mid-pull (issue 18 items 3 and 4), against a paged fake server behind a fake fetch.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Outbox } from "../../pwa/static/js/outbox.js";
import { createMemoryStore } from "../../pwa/static/js/memory-store.js";
import { PROGRESS_META, estimateTotal, roundAbout } from "../../pwa/static/js/pull-progress.js";
import { PULL_LIMIT, Sync } from "../../pwa/static/js/sync.js";

const response = (status, body) => ({ status, ok: status < 300, headers: { get: () => null }, json: async () => body });

/** `n` customers at versions 1..n; `dropAfter` pages answered, then the network is gone. */
function pagedServer(n, { latest = true } = {}) {
  const server = { cursors: [], dropAfter: Infinity, answered: 0, status: null, records: [] };
  for (let v = 1; v <= n; v++) server.records.push({ entity: "customer", id: `c${v}`, version: v, deleted: false, data: { name: `C ${v}` } });
  server.fetch = async (url) => {
    const { pathname, searchParams } = new URL(url, "http://phone.test");
    if (pathname !== "/api/sync/pull") return response(200, { results: [], cursor: n });
    if (server.answered >= server.dropAfter) throw new TypeError("Failed to fetch");
    const cursor = Number(searchParams.get("cursor"));
    server.cursors.push(cursor);
    if (server.status) return response(server.status, { error: { code: "resync_required", message: "Pruned." } });
    server.answered += 1;
    const newer = server.records.filter((r) => r.version > cursor);
    const page = newer.slice(0, Number(searchParams.get("limit")));
    const more = newer.length > page.length;
    const body = { changes: page, cursor: more ? page[page.length - 1].version : n, more };
    return response(200, latest ? { ...body, latest: n } : body);
  };
  return server;
}

async function phone(server) {
  const store = createMemoryStore();
  await store.setMeta("token", "good");
  const states = [];
  const sync = new Sync({ store, outbox: new Outbox(store), fetch: (...a) => server.fetch(...a), clientId: "phone-1",
    setTimeout: () => 0, clearTimeout: () => {}, random: () => 0.5, onState: (s) => states.push(s) });
  return { store, sync, states };
}

const shown = (states) => states.map((s) => s.progress).filter(Boolean);
const twice = (cursors) => cursors.length - new Set(cursors).size;

test("estimates are rounded to two digits and never below the records so far", () => {
  assert.equal(roundAbout(31234), 31000);
  assert.equal(roundAbout(3456), 3500);
  assert.equal(roundAbout(87), 87);
  assert.equal(estimateTotal({ done: 500, from: 0, cursor: 1000, latest: 62000 }), 31000);
  assert.equal(estimateTotal({ done: 990, from: 0, cursor: 1000, latest: 1001 }), 990); // 991 said as "about 990"
  assert.equal(estimateTotal({ done: 500, from: 0, cursor: 500, latest: 500 }), 500);
  assert.equal(estimateTotal({ done: 500, from: 0, cursor: 500 }), null); // an older server: no latest
  assert.equal(estimateTotal({ done: 0, from: 100, cursor: 100, latest: 900 }), null);
});

test("a long pull shows records so far of about how many, page by page, and nothing once done", async () => {
  const n = PULL_LIMIT * 4 + 20;
  const { sync, states, store } = await phone(pagedServer(n));
  const state = await sync.syncNow();
  const progress = shown(states);
  assert.deepEqual(progress.map((p) => p.done), [1, 2, 3, 4].map((k) => k * PULL_LIMIT));
  for (const p of progress) assert.equal(p.total, roundAbout(n)); // versions 1:1 with records here
  assert.equal(state.status, "idle");
  assert.equal(state.progress, null);
  assert.equal(await store.getMeta(PROGRESS_META), null); // nothing left to resume
});

test("a one-page sync shows no progress at all", async () => {
  const { sync, states } = await phone(pagedServer(30));
  await sync.syncNow();
  assert.deepEqual(shown(states), []);
});

test("an older server without 'latest' still gets the records so far, with no estimate", async () => {
  const { sync, states } = await phone(pagedServer(PULL_LIMIT * 2 + 1, { latest: false }));
  await sync.syncNow();
  assert.deepEqual(shown(states), [{ done: PULL_LIMIT, total: null }, { done: PULL_LIMIT * 2, total: null }]);
});

test("after the network drops mid-pull the next sync resumes at the last page stored and keeps counting", async () => {
  const n = PULL_LIMIT * 5 + 7;
  const server = pagedServer(n);
  server.dropAfter = 2;
  const { sync, states, store } = await phone(server);
  const failed = await sync.syncNow();
  assert.equal(failed.status, "offline");
  assert.equal(failed.progress, null); // nothing is being fetched now
  assert.equal(await store.getMeta("cursor"), PULL_LIMIT * 2);
  assert.equal((await store.all("customer")).length, PULL_LIMIT * 2);
  server.dropAfter = Infinity;
  states.length = 0;
  const done = await sync.syncNow();
  assert.equal(done.status, "idle");
  assert.deepEqual(server.cursors.slice(2, 3), [PULL_LIMIT * 2]); // the resumed run starts at the stored page
  assert.ok(twice(server.cursors) <= 1, `pages fetched twice: ${twice(server.cursors)}`);
  assert.deepEqual(shown(states)[0], { done: PULL_LIMIT * 3, total: roundAbout(n) }); // the count goes on from 1 000
  assert.equal((await store.all("customer")).length, n);
});

test("a drop between a page's answer and the next request re-downloads no page", async () => {
  const server = pagedServer(PULL_LIMIT * 3 + 1);
  server.dropAfter = 1;
  const { sync } = await phone(server);
  await sync.syncNow();
  server.dropAfter = Infinity;
  await sync.syncNow();
  assert.deepEqual(server.cursors, [0, PULL_LIMIT, PULL_LIMIT * 2, PULL_LIMIT * 3]);
});

test("a full resync the server asks for (410) counts from zero again", async () => {
  const server = pagedServer(PULL_LIMIT * 2 + 3);
  server.dropAfter = 1;
  const { sync, states, store } = await phone(server);
  await sync.syncNow();
  assert.equal((await store.getMeta(PROGRESS_META)).done, PULL_LIMIT);
  server.dropAfter = Infinity;
  let first = true;
  const fetch = server.fetch;
  server.fetch = async (url) => {
    if (first && url.includes("/api/sync/pull")) {
      first = false;
      return response(410, { error: { code: "resync_required", message: "Pruned." } });
    }
    return fetch(url);
  };
  states.length = 0;
  await sync.syncNow();
  assert.equal(shown(states)[0].done, PULL_LIMIT);
  assert.equal((await store.all("customer")).length, PULL_LIMIT * 2 + 3);
});
