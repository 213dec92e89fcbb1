// The sync state machine against a tiny in-memory server behind a fake fetch, with fake timers.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Outbox } from "../../pwa/static/js/outbox.js";
import { createMemoryStore } from "../../pwa/static/js/memory-store.js";
import { PULL_LIMIT, Sync, backoffDelay } from "../../pwa/static/js/sync.js";

const response = (status, body, headers = {}) => ({
  status, ok: status >= 200 && status < 300,
  headers: { get: (name) => headers[name] ?? null },
  json: async () => body,
});

/** SPEC §5 in miniature: one version counter, put/delete, idempotent op ids, paged pull. */
function fakeServer({ token = "good" } = {}) {
  const server = { records: new Map(), latest: 0, seen: new Map(), log: [], token, next: [], hold: null };
  server.fetch = async (url, init = {}) => {
    const { pathname, searchParams } = new URL(url, "http://phone.test");
    const method = init.method || "GET";
    const body = init.body ? JSON.parse(await bodyText(init)) : undefined;
    server.log.push({ method, path: pathname, query: Object.fromEntries(searchParams), headers: init.headers, body });
    if (server.hold) await server.hold(); // lets a test keep a request in flight
    const scripted = server.next.shift();
    if (scripted === "network") throw new TypeError("Failed to fetch");
    if (scripted) return scripted;
    if (init.headers?.Authorization !== `Bearer ${server.token}`) return response(401, { error: { code: "unauthorized", message: "Log in again." } });
    if (pathname === "/api/sync/push") return response(200, push(server, body));
    const cursor = Number(searchParams.get("cursor"));
    if (cursor > server.latest) return response(400, { error: { code: "bad_cursor", message: "Cursor beyond the latest version." } });
    const newer = [...server.records.values()].filter((r) => r.version > cursor).sort((a, b) => a.version - b.version);
    const page = newer.slice(0, Number(searchParams.get("limit")));
    return response(200, { changes: page, cursor: page.length ? page[page.length - 1].version : cursor, more: newer.length > page.length });
  };
  server.put = (entity, id, data, deleted = false) => {
    server.records.set(`${entity}:${id}`, { entity, id, version: ++server.latest, deleted, data });
  };
  return server;
}

/** The request body as the server reads it: api.js gzips a big push (Content-Encoding: gzip). */
async function bodyText({ body, headers }) {
  if (headers?.["Content-Encoding"] !== "gzip") return body;
  return new Response(new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
}

function push(server, { client_id: clientId, ops }) {
  assert.ok(clientId, "every push names its client");
  const results = ops.map((op) => {
    if (server.seen.has(op.op_id)) return server.seen.get(op.op_id);
    let result;
    if (op.fields?.email === "bad") {
      result = { op_id: op.op_id, status: "rejected", version: null, conflicts: [], errors: { email: ["Not a valid email address."] } };
    } else {
      const old = server.records.get(`${op.entity}:${op.id}`);
      const data = op.type === "delete" ? old?.data ?? {} : { ...old?.data, ...op.fields };
      server.put(op.entity, op.id, data, op.type === "delete");
      result = { op_id: op.op_id, status: "applied", version: server.latest, conflicts: [], errors: {} };
    }
    server.seen.set(op.op_id, result);
    return result;
  });
  return { results, cursor: server.latest };
}

function fakeTimers() {
  const timers = new Map();
  let id = 0;
  return {
    timers,
    setTimeout: (fn, ms) => { timers.set(++id, { fn, ms }); return id; },
    clearTimeout: (t) => timers.delete(t),
    only() {
      assert.equal(timers.size, 1, "exactly one timer is scheduled");
      return [...timers.values()][0];
    },
    async fire() {
      const [[key, timer]] = timers;
      timers.delete(key);
      timer.fn();
    },
  };
}

async function phone({ server = fakeServer(), token = "good", ...options } = {}) {
  const store = createMemoryStore();
  if (token) await store.setMeta("token", token);
  const outbox = new Outbox(store);
  const timers = fakeTimers();
  const changes = [];
  const states = [];
  let clock = 1_000_000;
  const sync = new Sync({ store, outbox, fetch: server.fetch, clientId: "phone-1", now: () => clock,
    setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout, random: () => 0.5,
    onChanges: (set) => changes.push([...set].sort()), onState: (s) => states.push(s), ...options });
  return { store, outbox, sync, server, timers, changes, states, tick: (ms) => { clock += ms; } };
}

test("a sync pushes the outbox, then pulls, and the phone ends with the server's state", async () => {
  const p = await phone();
  p.server.put("customer", "c-server", { name: "From the office" });
  await p.outbox.put("customer", "c-mine", { name: "Kahvila Aalto" });
  await p.outbox.put("contact", "k-mine", { customer_id: "c-mine", name: "Aino" });
  const state = await p.sync.syncNow();

  assert.deepEqual(p.server.log.map((r) => `${r.method} ${r.path}`), ["POST /api/sync/push", "GET /api/sync/pull"]);
  const [pushed, pulled] = p.server.log;
  assert.deepEqual(pushed.headers, { Authorization: "Bearer good", "Content-Type": "application/json" });
  assert.equal(pushed.body.client_id, "phone-1");
  assert.deepEqual(pushed.body.ops.map((o) => Object.keys(o).sort().join()), Array(2).fill("base_version,edited_at,entity,fields,id,op_id,seq,type"));
  assert.deepEqual(pushed.body.ops.map((o) => o.seq), [1, 2]);
  assert.deepEqual(pulled.query, { cursor: "0", limit: String(PULL_LIMIT), omit_empty: "1" });
  assert.equal(pulled.headers.Authorization, "Bearer good");

  assert.equal(await p.outbox.count(), 0);
  assert.deepEqual((await p.store.all("customer")).map((r) => [r.id, r.version]).sort(), [["c-mine", 2], ["c-server", 1]]);
  assert.equal(await p.store.getMeta("cursor"), 3);
  assert.equal(await p.store.getMeta("last_sync"), 1_000_000);
  assert.deepEqual({ ...state, lastError: state.lastError }, { status: "idle", pending: 0, lastSync: 1_000_000, lastError: null, nextRetryAt: null, progress: null });
  assert.ok(p.states.some((s) => s.status === "syncing"));
  assert.deepEqual(p.changes, [["contact", "customer"], ["contact", "customer"]], "one pull page, then the settled push");
});

test("a pushed edit stays in the outbox until the pull brought it back", async () => {
  const p = await phone();
  await p.outbox.put("customer", "c1", { name: "A" });
  let pendingDuringPull;
  p.server.hold = async () => {
    if (p.server.log.at(-1).path === "/api/sync/pull") pendingDuringPull = await p.outbox.count();
  };
  await p.sync.syncNow();
  assert.equal(pendingDuringPull, 1);
  assert.equal(await p.outbox.count(), 0);
});

test("push goes in batches of 500 and pull pages (PULL_LIMIT each) until more is false", async () => {
  const p = await phone();
  for (let i = 0; i < 1203; i++) await p.outbox.put("task", `t${i}`, { title: `T${i}` });
  await p.sync.syncNow();
  const pushes = p.server.log.filter((r) => r.method === "POST").map((r) => r.body.ops.length);
  const pulls = p.server.log.filter((r) => r.method === "GET").map((r) => r.query.cursor);
  assert.deepEqual(pushes, [500, 500, 203]);
  assert.deepEqual(pulls, [0, 1, 2].map((k) => String(k * PULL_LIMIT)).filter((c) => Number(c) < 1203));
  assert.equal((await p.store.all("task")).length, 1203);
  assert.equal(await p.store.getMeta("cursor"), 1203);
  assert.equal(await p.outbox.count(), 0);

  p.server.log.length = 0;
  await p.sync.syncNow();
  assert.deepEqual(p.server.log.map((r) => r.query.cursor), ["1203"], "nothing to push, one pull from the stored cursor");
});

test("tombstones remove records; rejected ops move to the rejected list with their errors", async () => {
  const p = await phone();
  p.server.put("customer", "c1", { name: "A" });
  await p.sync.syncNow();
  await p.outbox.remove("customer", "c1", 1);
  const bad = await p.outbox.put("contact", "k1", { email: "bad" });
  await p.sync.syncNow();
  assert.equal(await p.store.get("customer", "c1"), undefined);
  assert.equal(await p.outbox.count(), 0);
  const [entry] = await p.store.listRejected();
  assert.equal(entry.op.op_id, bad.op_id);
  assert.deepEqual(entry.result.errors, { email: ["Not a valid email address."] });
});

test("401 sets auth, keeps the outbox and schedules nothing until syncNow is called again", async () => {
  const p = await phone({ token: "expired" });
  await p.outbox.put("customer", "c1", { name: "A" });
  const state = await p.sync.syncNow();
  assert.equal(state.status, "auth");
  assert.equal(state.lastError, "Log in again.");
  assert.equal(state.pending, 1);
  assert.equal(await p.outbox.count(), 1);
  assert.equal(p.timers.timers.size, 0);

  await p.store.setMeta("token", "good"); // the user logged in again
  assert.equal((await p.sync.syncNow()).status, "idle");
  assert.equal(await p.outbox.count(), 0);
});

test("without a token the sync asks for login and sends nothing", async () => {
  const p = await phone({ token: null });
  assert.equal((await p.sync.syncNow()).status, "auth");
  assert.equal(p.server.log.length, 0);
});

test("no network: offline, retries back off 5 s doubling to 5 min, a success resets it", async () => {
  const p = await phone();
  await p.outbox.put("customer", "c1", { name: "A" });
  const waits = [];
  for (let i = 0; i < 9; i++) {
    p.server.next.push("network");
    if (i === 0) await p.sync.syncNow();
    else await firedRun(p);
    assert.equal(p.sync.state.status, "offline");
    const { ms } = p.timers.only();
    waits.push(ms);
    assert.equal(p.sync.state.nextRetryAt, 1_000_000 + ms);
  }
  assert.deepEqual(waits, [5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000, 300000]);
  assert.equal(await p.outbox.count(), 1, "the outbox is kept while offline");

  await firedRun(p); // signal is back
  assert.equal(p.sync.state.status, "idle");
  assert.equal(p.sync.state.nextRetryAt, null);
  assert.equal(p.timers.timers.size, 0, "no periodic sync without start()");
  p.server.next.push("network");
  await p.sync.syncNow();
  assert.equal(p.timers.only().ms, 5000);
});

async function firedRun(p) {
  const before = p.server.log.length;
  await p.timers.fire();
  while (p.sync.running) await new Promise((r) => setImmediate(r));
  assert.ok(p.server.log.length > before, "the timer started a run");
}

test("backoff jitter stays within ±20 % and under the cap", () => {
  assert.equal(backoffDelay(1, () => 0), 4000);
  assert.equal(backoffDelay(1, () => 0.999999), 6000);
  assert.equal(backoffDelay(3, () => 0.5), 20000);
  assert.equal(backoffDelay(30, () => 0.999999), 300000);
});

test("5xx and 429 are errors with backoff; Retry-After is honoured; 413 of a batch is an error", async () => {
  const p = await phone();
  await p.outbox.put("customer", "c1", { name: "A" });
  p.server.next.push(response(503, { error: { message: "Down for maintenance" } }));
  let state = await p.sync.syncNow();
  assert.deepEqual([state.status, state.lastError, p.timers.only().ms], ["error", "Down for maintenance", 5000]);
  p.server.next.push(response(429, {}, { "Retry-After": "120" }));
  state = await p.sync.syncNow();
  assert.deepEqual([state.status, p.timers.only().ms], ["error", 120000]);
  await p.outbox.put("customer", "c2", { name: "B" });
  p.server.next.push(response(413, {}));
  state = await p.sync.syncNow();
  assert.deepEqual([state.status, p.timers.only().ms], ["error", 20000]);
  assert.equal(await p.outbox.count(), 2);
});

test("a single op the server finds too large is set aside, not retried forever", async () => {
  const p = await phone();
  const op = await p.outbox.put("activity", "a1", { notes: "huge" });
  p.server.next.push(response(413, {}));
  assert.equal((await p.sync.syncNow()).status, "idle");
  assert.equal(await p.outbox.count(), 0);
  assert.equal((await p.store.listRejected())[0].op.op_id, op.op_id);
});

test("one run at a time: calls during a run ask for exactly one more", async () => {
  const p = await phone();
  let release;
  let inFlight = 0;
  let most = 0;
  const gate = new Promise((r) => { release = r; });
  p.server.hold = async () => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await gate;
    inFlight -= 1;
  };
  const first = p.sync.syncNow();
  await new Promise((r) => setImmediate(r));
  const more = [p.sync.syncNow(), p.sync.syncNow(), p.sync.syncNow()];
  release();
  await Promise.all([first, ...more]);
  assert.equal(most, 1);
  assert.deepEqual(p.server.log.map((r) => r.query.cursor), ["0", "0"], "two runs (the outbox was empty: pulls only)");
});

test("a 400 on pull resets the cursor to 0 once and replaces the stale copy", async () => {
  const p = await phone();
  await p.store.applyChanges([{ entity: "customer", id: "gone", version: 900, deleted: false, data: {} }], 900);
  p.server.put("customer", "c1", { name: "Fresh" });
  assert.equal((await p.sync.syncNow()).status, "idle");
  assert.deepEqual(p.server.log.map((r) => r.query.cursor), ["900", "0"]);
  assert.deepEqual((await p.store.all("customer")).map((r) => r.id), ["c1"]);
  assert.equal(await p.store.getMeta("cursor"), 1);

  p.server.log.length = 0;
  await p.store.setMeta("cursor", 0);
  p.server.next.push(response(400, {}), response(400, {}));
  assert.equal((await p.sync.syncNow()).status, "error", "no reset loop at cursor 0");
  assert.equal(p.server.log.length, 1);
});

test("start() syncs now and then periodically after each success; stop() ends it", async () => {
  const p = await phone();
  await p.sync.start({ intervalMs: 60000 });
  assert.equal(p.server.log.length, 1);
  assert.equal(p.timers.only().ms, 60000);
  assert.equal(p.sync.state.nextRetryAt, null);
  await firedRun(p);
  assert.equal(p.timers.only().ms, 60000);
  p.sync.stop();
  assert.equal(p.timers.timers.size, 0);
  p.server.next.push("network");
  await p.sync.syncNow();
  assert.equal(p.timers.timers.size, 0, "a stopped sync does not retry by itself");
});

test("a failing store ends the run as an error state, never a rejected promise", async () => {
  const p = await phone();
  p.store.getMeta = async () => { throw new Error("QuotaExceededError"); };
  const state = await p.sync.syncNow();
  assert.deepEqual([state.status, state.lastError, p.timers.only().ms], ["error", "QuotaExceededError", 5000]);
  assert.equal(p.sync.running, false);
});
