// Random server states and random outboxes (seeded, so a failure replays): rebaseAll must equal a
// naive model that applies the ops one at a time and then asks, record by record, what the
// server's cascade would leave.
import { test } from "node:test";
import assert from "node:assert/strict";

import { rebaseAll, rebaseRecord } from "../../pwa/static/js/rebase.js";

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHILDREN = ["contact", "activity", "task", "delivery"];

function scenario(rand) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const customerIds = ["c0", "c1", "c2", "c3", "c4", "c5"];
  const ref = () => (rand() < 0.15 ? "never-pulled" : pick(customerIds));
  const server = { customer: [] };
  let version = 0;
  for (const id of customerIds) {
    if (rand() < 0.3) continue; // not on the phone (yet)
    const data = { name: `n${id}` };
    if (rand() < 0.4) data.parent_id = pick(customerIds);
    server.customer.push({ id, version: ++version, deleted: rand() < 0.1, data });
  }
  for (const entity of CHILDREN) {
    server[entity] = [];
    for (let i = 0; i < 4; i++) {
      if (rand() < 0.5) server[entity].push({ id: `${entity[0]}${i}`, version: ++version, deleted: rand() < 0.1, data: { customer_id: ref(), v: i } });
    }
  }
  const ops = [];
  const count = Math.floor(rand() * 12);
  for (let i = 0; i < count; i++) {
    const entity = rand() < 0.5 ? "customer" : pick(CHILDREN);
    const id = entity === "customer" ? pick(customerIds) : `${entity[0]}${Math.floor(rand() * 6)}`;
    const type = rand() < 0.3 ? "delete" : "put";
    const fields = {};
    if (type === "put") {
      fields[pick(["name", "v", "city"])] = Math.floor(rand() * 5);
      if (entity === "customer" && rand() < 0.3) fields.parent_id = rand() < 0.3 ? null : pick(customerIds);
      if (entity !== "customer" && rand() < 0.3) fields.customer_id = ref();
    }
    ops.push({ op_id: `op${i}`, entity, id, type, base_version: 0, fields, edited_at: "2026-01-01T00:00:00.000Z" });
  }
  return { server, ops };
}

/** The model: one op at a time on a mutable copy, then the cascade asked per record. */
function model(server, ops) {
  const state = new Map(); // "entity:id" -> {entity, id, version, data, hidden, pending}
  for (const [entity, records] of Object.entries(server)) {
    for (const r of records) state.set(`${entity}:${r.id}`, { entity, id: r.id, version: r.version, data: { ...r.data }, hidden: r.deleted, pending: false });
  }
  for (const op of ops) {
    const k = `${op.entity}:${op.id}`;
    const s = state.get(k) || { entity: op.entity, id: op.id, version: 0, data: {}, hidden: true, pending: false };
    s.pending = true;
    if (op.type === "delete") s.hidden = true;
    else {
      Object.assign(s.data, op.fields);
      s.hidden = false;
    }
    state.set(k, s);
  }
  const deadCustomer = (id, seen = new Set()) => {
    const s = state.get(`customer:${id}`);
    if (!s || seen.has(id)) return false; // unknown to the phone, or a parent cycle
    if (s.hidden) return true;
    seen.add(id);
    return s.data.parent_id != null && deadCustomer(s.data.parent_id, seen);
  };
  const out = {};
  for (const s of state.values()) {
    const gone = s.hidden || (s.entity === "customer" ? deadCustomer(s.id) : deadCustomer(s.data.customer_id));
    out[s.entity] ??= {};
    if (!gone) out[s.entity][s.id] = { version: s.version, data: s.data, pending: s.pending };
  }
  return out;
}

const plain = (views) => {
  const out = {};
  for (const [entity, map] of Object.entries(views)) {
    if (map.size === 0) continue;
    out[entity] = {};
    for (const [id, v] of map) out[entity][id] = { version: v.version, data: v.data, pending: Boolean(v.pending) };
  }
  return out;
};
const nonEmpty = (obj) => Object.fromEntries(Object.entries(obj).filter(([, v]) => Object.keys(v).length));

test("rebaseAll equals the ops applied one by one, over 400 random outboxes", () => {
  const rand = mulberry32(20261120);
  for (let round = 0; round < 400; round++) {
    const { server, ops } = scenario(rand);
    assert.deepEqual(plain(rebaseAll(server, ops)), nonEmpty(model(server, ops)), `round ${round}: ${JSON.stringify({ server, ops })}`);
  }
});

test("rebaseRecord over a record's own ops equals the model before the cascade", () => {
  const rand = mulberry32(7);
  for (let round = 0; round < 400; round++) {
    const { server, ops } = scenario(rand);
    for (const entity of Object.keys(server)) {
      const ids = new Set([...server[entity].map((r) => r.id), ...ops.filter((o) => o.entity === entity).map((o) => o.id)]);
      for (const id of ids) {
        const mine = ops.filter((o) => o.entity === entity && o.id === id);
        const record = server[entity].find((r) => r.id === id);
        let expected = record && !record.deleted ? { ...record.data } : undefined;
        let data = record ? { ...record.data } : {};
        for (const op of mine) {
          if (op.type === "delete") expected = undefined;
          else expected = data = Object.assign(data, op.fields);
        }
        assert.deepEqual(rebaseRecord(record, mine)?.data, expected, `round ${round} ${entity}:${id}`);
      }
    }
  }
});
