// The only module that opens IndexedDB. It holds no logic beyond the calls themselves, so every
// decision lives in modules the node tests run against memory-store.js (same interface).

import { ENTITIES } from "./rebase.js";

const VERSION = 1;

/** Open (creating on first use) the phone's database and return the Store. */
export async function openStore(name = "kentta") {
  const db = await request(indexedDB.open(name, VERSION), (req) => {
    req.onupgradeneeded = () => {
      const d = req.result;
      for (const entity of ENTITIES) {
        if (!d.objectStoreNames.contains(entity)) d.createObjectStore(entity, { keyPath: "id" });
      }
      if (!d.objectStoreNames.contains("outbox")) {
        const outbox = d.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        outbox.createIndex("op_id", "op_id", { unique: true });
      }
      if (!d.objectStoreNames.contains("rejected")) d.createObjectStore("rejected", { keyPath: "op_id" });
      if (!d.objectStoreNames.contains("meta")) d.createObjectStore("meta");
    };
  });
  // Another tab upgrading the schema must not be blocked by this one forever.
  db.onversionchange = () => db.close();
  return makeStore(db);
}

function makeStore(db) {
  const tx = (stores, mode, body) => transaction(db, stores, mode, body);

  return {
    getMeta: (key) => tx("meta", "readonly", (t) => request(t.objectStore("meta").get(key))),

    setMeta: (key, value) => tx("meta", "readwrite", (t) => { t.objectStore("meta").put(value, key); }),

    applyChanges: (changes, cursor, { reset = false } = {}) =>
      tx([...ENTITIES, "meta"], "readwrite", (t) => {
        if (reset) for (const e of ENTITIES) t.objectStore(e).clear();
        for (const c of changes) {
          if (!ENTITIES.includes(c.entity)) continue; // an entity this app version does not know yet
          const s = t.objectStore(c.entity);
          if (c.deleted) s.delete(c.id);
          else s.put({ id: c.id, version: c.version, deleted: false, data: c.data || {} });
        }
        if (cursor !== undefined && cursor !== null) t.objectStore("meta").put(cursor, "cursor");
      }),

    all: (entity) => tx(entity, "readonly", (t) => request(t.objectStore(entity).getAll())),

    get: (entity, id) => tx(entity, "readonly", (t) => request(t.objectStore(entity).get(id))),

    addOps: (ops) =>
      tx("outbox", "readwrite", (t) => {
        const s = t.objectStore("outbox");
        return Promise.all(ops.map(async (op) => ({ ...op, seq: await request(s.add({ ...op })) })));
      }),

    listOps: () => tx("outbox", "readonly", (t) => request(t.objectStore("outbox").getAll())),

    removeOps: (opIds) =>
      tx("outbox", "readwrite", (t) => {
        const s = t.objectStore("outbox");
        const index = s.index("op_id");
        return Promise.all(opIds.map(async (opId) => {
          const seq = await request(index.getKey(opId));
          if (seq !== undefined) await request(s.delete(seq));
        }));
      }),

    addRejected: (entries) =>
      tx("rejected", "readwrite", (t) => {
        const s = t.objectStore("rejected");
        for (const entry of entries) s.put({ ...entry, op_id: entry.op.op_id });
      }),

    listRejected: () =>
      tx("rejected", "readonly", async (t) => {
        const rows = await request(t.objectStore("rejected").getAll());
        return byTime(rows.map(({ op_id, ...entry }) => entry));
      }),

    removeRejected: (opId) => tx("rejected", "readwrite", (t) => { t.objectStore("rejected").delete(opId); }),

    clearAll: () =>
      tx([...ENTITIES, "outbox", "rejected", "meta"], "readwrite", (t) => {
        for (const name of t.objectStoreNames) t.objectStore(name).clear();
      }),

    close: () => db.close(),
  };
}

// Rejected entries oldest first, as memory-store.js lists them.
const byTime = (entries) =>
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.op.op_id < b.op.op_id ? -1 : 1));

/** Run body(transaction) and resolve with its result once the transaction has committed. */
function transaction(db, stores, mode, body) {
  return new Promise((resolve, reject) => {
    const t = db.transaction(stores, mode);
    let result;
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error("IndexedDB transaction aborted"));
    try {
      // Only IDB requests may be awaited inside: any other await would let the transaction commit.
      Promise.resolve(body(t)).then((value) => { result = value; }, (err) => { reject(err); abort(t); });
    } catch (err) {
      abort(t);
      reject(err);
    }
  });
}

function abort(t) {
  try {
    t.abort();
  } catch {
    // already finished
  }
}

/** A promise for one IDBRequest; `setup` may attach more handlers before it fires. */
function request(req, setup) {
  return new Promise((resolve, reject) => {
    if (setup) setup(req);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
