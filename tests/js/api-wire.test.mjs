// api.js on a thin network (issue 18): big bodies gzipped (with the fallback for an older server)
// and no request that can hang. Fake fetches and fake timers; node 20 has CompressionStream.
import { test } from "node:test";
import assert from "node:assert/strict";

import { ApiError, COMPRESS_FROM, HEADERS_MS, STALL_MS, UPLOAD_BYTES_PER_MS, createApi, readJson } from "../../pwa/static/js/api.js";
import { createMemoryStore } from "../../pwa/static/js/memory-store.js";
import { Outbox } from "../../pwa/static/js/outbox.js";
import { Sync } from "../../pwa/static/js/sync.js";

const ok = (body = { ok: true }) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
const gunzip = (bytes) => new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
const never = () => new Promise(() => {});

/** Timers fired by hand: fire(ms) runs the pending ones set for `ms`. */
function fakeTimers() {
  const pending = new Map();
  let next = 1;
  return {
    pending,
    setTimeout: (fn, ms) => { pending.set(next, { fn, ms }); return next++; },
    clearTimeout: (id) => pending.delete(id),
    fire(ms) {
      const due = [...pending].filter(([, t]) => t.ms === ms);
      assert.ok(due.length, `a timer of ${ms} ms is set (set: ${[...pending.values()].map((t) => t.ms)})`);
      for (const [id, t] of due) { pending.delete(id); t.fn(); }
    },
  };
}

function setup({ answer = () => ok(), gzip, timers = fakeTimers() } = {}) {
  const sent = [];
  const fetch = async (url, init) => { sent.push({ url, ...init }); return answer({ url, ...init }, sent.length); };
  const api = createApi({ fetch, token: async () => "good", gzip, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout });
  return { api, sent, timers };
}

const bigPush = (n = 60) => ({ client_id: "phone-1", ops: Array.from({ length: n }, (_, i) => ({
  op_id: `op-${i}`, type: "put", entity: "customer", id: `c${i}`, fields: { notes: `bench edit ${i}` } })) });

test("a body from 4 KiB of JSON goes gzipped and decodes to the same JSON; a small one goes as it is", async () => {
  const { api, sent } = setup();
  const body = bigPush();
  assert.ok(JSON.stringify(body).length >= COMPRESS_FROM);
  await api.request("POST", "/api/sync/push", { body });
  await api.request("POST", "/api/sync/push", { body: bigPush(2) });
  assert.equal(sent[0].headers["Content-Encoding"], "gzip");
  assert.equal(sent[0].headers["Content-Type"], "application/json");
  assert.ok(sent[0].body instanceof Uint8Array && sent[0].body[0] === 0x1f && sent[0].body[1] === 0x8b, "gzip magic");
  assert.ok(sent[0].body.byteLength < JSON.stringify(body).length / 4);
  assert.deepEqual(JSON.parse(await gunzip(sent[0].body)), body);
  assert.equal(sent[1].headers["Content-Encoding"], undefined);
  assert.deepEqual(JSON.parse(sent[1].body), bigPush(2));
});

test("without CompressionStream every body goes as it is", async () => {
  const { api, sent } = setup({ gzip: false });
  await api.request("POST", "/api/sync/push", { body: bigPush() });
  assert.equal(sent[0].headers["Content-Encoding"], undefined);
  assert.deepEqual(JSON.parse(sent[0].body), bigPush());
});

test("an older server's 415 to a gzipped body: sent again as it is, and plain for the rest of the session", async () => {
  const refuse = (init) => (init.headers["Content-Encoding"]
    ? new Response(JSON.stringify({ error: { code: "unsupported_media_type", message: "No" } }), { status: 415 }) : ok());
  const { api, sent } = setup({ answer: refuse });
  const res = await api.request("POST", "/api/sync/push", { body: bigPush() });
  assert.equal(res.status, 200);
  await api.request("POST", "/api/sync/push", { body: bigPush(70) });
  assert.deepEqual(sent.map((r) => r.headers["Content-Encoding"] || "plain"), ["gzip", "plain", "plain"]);
  assert.deepEqual(JSON.parse(sent[1].body), bigPush());
});

test("no headers within 30 s (+1 s per 2 KB sent) is an offline error and the fetch is aborted", async () => {
  const { api, sent, timers } = setup({ answer: never });
  const asked = api.request("GET", "/api/sync/pull?cursor=0").catch((e) => e);
  await new Promise((r) => setImmediate(r));
  timers.fire(HEADERS_MS);
  const err = await asked;
  assert.ok(err instanceof ApiError);
  assert.deepEqual([err.kind, err.message], ["offline", "No answer from the server in 30 s"]);
  assert.equal(sent[0].signal.aborted, true);
  // A bigger body gets longer for its upload on a thin uplink.
  const pushed = api.request("POST", "/api/sync/push", { body: bigPush(2) }).catch((e) => e);
  await new Promise((r) => setImmediate(r));
  timers.fire(HEADERS_MS + Math.ceil(sent[1].body.length / UPLOAD_BYTES_PER_MS));
  assert.equal((await pushed).kind, "offline");
  assert.equal(timers.pending.size, 0);
});

test("a body that stops arriving for 30 s is an offline error; an answer in time leaves no timer", async () => {
  let stall;
  const stalling = () => new Response(new ReadableStream({
    start(c) { c.enqueue(new TextEncoder().encode('{"changes": [')); stall = c; },
  }), { status: 200 });
  const { api, timers } = setup({ answer: stalling });
  const res = await api.request("GET", "/api/sync/pull?cursor=0");
  assert.equal(timers.pending.size, 0, "the headers' timer is gone once they came; none while nobody reads");
  const reading = readJson(res).catch((e) => e);
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r)); // the first chunk read, the next awaited
  timers.fire(STALL_MS);
  const err = await reading;
  assert.deepEqual([err instanceof ApiError, err.kind, err.message], [true, "offline", "The answer stalled for 30 s"]);
  assert.ok(stall);
  const fine = setup();
  assert.deepEqual(await fine.api.json("GET", "/api/me"), { ok: true });
  assert.equal(fine.timers.pending.size, 0);
});

test("a push that never answers: the sync goes offline and retries; the resent ops get their first answers", async () => {
  const store = createMemoryStore();
  await store.setMeta("token", "good");
  const outbox = new Outbox(store);
  for (let i = 0; i < 3; i++) await outbox.put("customer", `c${i}`, { notes: `n${i}` });
  const applied = new Map(); // the server's op ledger: a resent op_id gets its first answer
  const answer = async (init, n) => {
    if (init.method === "GET") return ok({ changes: [], cursor: 0, more: false });
    const { ops } = JSON.parse(init.body);
    for (const op of ops) if (!applied.has(op.op_id)) applied.set(op.op_id, { op_id: op.op_id, status: "applied", version: applied.size + 1, conflicts: [], errors: {} });
    return n === 1 ? never() : ok({ results: ops.map((op) => applied.get(op.op_id)) }); // the first answer is lost
  };
  const timers = fakeTimers();
  const { api, sent } = setup({ answer, timers });
  const sync = new Sync({ store, outbox, api, clientId: "phone-1", rules: false,
    setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout, random: () => 0.5 });
  const first = sync.syncNow();
  for (let i = 0; i < 20 && !sent.length; i++) await new Promise((r) => setImmediate(r));
  const limit = [...timers.pending.values()].map((t) => t.ms).find((ms) => ms >= HEADERS_MS);
  assert.equal(sync.state.status, "syncing");
  timers.fire(limit);
  const state = await first;
  assert.deepEqual([state.status, state.pending], ["offline", 3]);
  assert.ok(state.nextRetryAt, "a retry is scheduled");
  timers.fire(5000); // backoffDelay(1) with random 0.5
  await sync.syncNow();
  assert.deepEqual([sync.state.status, sync.state.pending], ["idle", 0]);
  const pushes = sent.filter((r) => r.method === "POST").map((r) => JSON.parse(r.body).ops.map((o) => o.op_id));
  assert.deepEqual(pushes[0], pushes[1], "the same ops again");
  assert.equal(applied.size, 3, "applied once each");
});
