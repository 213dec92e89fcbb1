// The store interface of db.js, kept in memory: what the node tests run the logic against.
// It copies values in and out (structured clone, as IndexedDB does), so a caller that mutates a
// record it read cannot change the store behind its back, here or in the browser.

import { ENTITIES } from "./rebase.js";

/** Rejected entries oldest first, as both stores list them. */
export const byTime = (entries) =>
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.op.op_id < b.op.op_id ? -1 : 1));

const copy = (value) => (value === undefined ? undefined : structuredClone(value));

export function createMemoryStore() {
  let records = new Map(ENTITIES.map((e) => [e, new Map()]));
  let outbox = new Map(); // seq -> op
  let rejected = new Map(); // op_id -> entry
  let meta = new Map();
  let nextSeq = 1;

  const table = (entity) => {
    const t = records.get(entity);
    if (!t) throw new Error(`unknown entity: ${entity}`);
    return t;
  };

  return {
    async getMeta(key) {
      return copy(meta.get(key));
    },

    async setMeta(key, value) {
      meta.set(key, copy(value));
    },

    async applyChanges(changes, cursor, { reset = false } = {}) {
      // Validate before writing so a bad page changes nothing, like an aborted transaction.
      for (const c of changes) {
        if (!c || typeof c.id !== "string") throw new Error("a change needs an id");
      }
      if (reset) for (const t of records.values()) t.clear();
      for (const c of changes) {
        const t = records.get(c.entity);
        if (!t) continue; // an entity this version of the app does not know yet
        if (c.deleted) t.delete(c.id);
        else t.set(c.id, copy({ id: c.id, version: c.version, deleted: false, data: c.data || {} }));
      }
      if (cursor !== undefined && cursor !== null) meta.set("cursor", cursor);
    },

    async all(entity) {
      return [...table(entity).values()].map(copy);
    },

    async get(entity, id) {
      return copy(table(entity).get(id));
    },

    async addOps(ops) {
      return ops.map((op) => {
        const stored = { ...copy(op), seq: nextSeq++ };
        outbox.set(stored.seq, stored);
        return copy(stored);
      });
    },

    async listOps() {
      return [...outbox.keys()].sort((a, b) => a - b).map((seq) => copy(outbox.get(seq)));
    },

    async removeOps(opIds) {
      const gone = new Set(opIds);
      for (const [seq, op] of outbox) if (gone.has(op.op_id)) outbox.delete(seq);
    },

    async addRejected(entries) {
      for (const entry of entries) rejected.set(entry.op.op_id, copy(entry));
    },

    async listRejected() {
      return byTime([...rejected.values()]).map(copy);
    },

    async removeRejected(opId) {
      rejected.delete(opId);
    },

    async clearAll() {
      records = new Map(ENTITIES.map((e) => [e, new Map()]));
      outbox = new Map();
      rejected = new Map();
      meta = new Map();
    },
  };
}
