// The queue of this phone's own edits, waiting to be pushed (SPEC §5).
// An op is never merged or rewritten once queued: its op_id is the server's idempotency key, and
// a batch may have reached the server even when its answer never came back.

export const MAX_OPS = 500;
// The server refuses bodies over 2 MiB; keep room for the envelope ({"client_id": ..., "ops": []}).
export const MAX_BYTES = 2 * 1024 * 1024 - 4096;

const OP_KEYS = ["op_id", "entity", "id", "type", "base_version", "fields", "edited_at", "seq"];
const encoder = new TextEncoder();

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Op ids are the
 * server's ledger key, written once per op forever: time-ordered ids land at the end of its index
 * instead of on a random page of it, which on the server was a sixth of every push's cost.
 */
export function uuid7(ms = Date.now(), random = crypto.getRandomValues(new Uint8Array(10))) {
  const hex = Math.floor(ms).toString(16).padStart(12, "0").slice(-12)
    + "7" + [...random].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 19);
  // the variant's top bits are 10: the 17th hex digit is one of 8, 9, a, b
  const variant = (8 | (random[9] & 3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${variant}${hex.slice(16, 19)}-${hex.slice(19, 31)}`;
}

/** Build one SPEC §5 op; the clock and the id source are injectable for tests. */
export function makeOp({ entity, id, type = "put", fields = {}, baseVersion = 0, now = new Date(),
  uuid = () => uuid7(now.getTime()) }) {
  if (!entity || !id) throw new TypeError("makeOp needs an entity and an id");
  if (type !== "put" && type !== "delete") throw new TypeError(`unknown op type: ${type}`);
  return {
    op_id: uuid(),
    entity,
    id,
    type,
    base_version: baseVersion || 0,
    fields: type === "delete" ? {} : { ...fields },
    // toISOString is always UTC with milliseconds and a "Z".
    edited_at: now.toISOString(),
  };
}

/**
 * The op as it goes on the wire. `seq` is the op's key in the outbox store: IndexedDB's key
 * generator only ever grows (also across restarts, clear() and re-logins on this installation), so
 * it is the order in which this phone's user made the edits. The server orders this phone's own
 * ops by it and never by the clock, which may have been years off and corrected since (SPEC §5).
 */
export function wireOp(op) {
  const out = {};
  for (const k of OP_KEYS) out[k] = op[k];
  return out;
}

/** UTF-8 size of an op's JSON, as the server counts it. */
export function opBytes(op) {
  return encoder.encode(JSON.stringify(wireOp(op))).length;
}

/** The oldest ops that fit one request: at most `max` of them and `maxBytes` of JSON.
 *
 * An op too big on its own is still returned, alone, so the queue cannot jam silently: the server
 * answers 413 and the sync moves it aside for the user to see.
 */
export function batchOf(ops, max = MAX_OPS, maxBytes = MAX_BYTES) {
  const batch = [];
  let bytes = 0;
  for (const op of ops) {
    if (batch.length >= max) break;
    const size = opBytes(op) + 1; // the comma between ops
    if (batch.length > 0 && bytes + size > maxBytes) break;
    batch.push(op);
    bytes += size;
  }
  return batch;
}

/**
 * The fields of a rejected put that the server did not refuse (SPEC §5 checks each field), which
 * must not wait for the refused ones; null when there are none, or when the errors name something
 * that is not one of its fields (the id, the whole op): then nothing of it is known to be good.
 * A field a later op of this phone sets again is left to that op, and a later delete takes all.
 */
export function remainderOf(op, result, ops = []) {
  if (op.type !== "put") return null;
  const fields = op.fields || {};
  const bad = Object.keys(result.errors || {}).map((name) => name.split(".")[0]); // lines.0.quantity
  if (bad.length === 0 || !bad.every((name) => name in fields)) return null;
  const later = ops.filter((o) => o.entity === op.entity && o.id === op.id && o.seq > op.seq);
  if (later.some((o) => o.type === "delete")) return null;
  const rest = Object.fromEntries(Object.entries(fields)
    .filter(([name]) => !bad.includes(name) && !later.some((o) => name in (o.fields || {}))));
  return Object.keys(rest).length ? rest : null;
}

export class Outbox {
  constructor(store, { now = () => new Date(), uuid } = {}) {
    this.store = store;
    this.now = now;
    this.uuid = uuid;
    this.listeners = new Set();
  }

  /** Queue a put (create, or patch of the listed fields). */
  async put(entity, id, fields, baseVersion = 0) {
    return this.#add({ entity, id, type: "put", fields, baseVersion });
  }

  /** Queue a delete (the server cascades to the record's children). */
  async remove(entity, id, baseVersion = 0) {
    return this.#add({ entity, id, type: "delete", baseVersion });
  }

  async pending() {
    return this.store.listOps();
  }

  async count() {
    return (await this.store.listOps()).length;
  }

  /** The next request's ops, oldest first, without taking them out of the outbox. */
  async takeBatch(max = MAX_OPS, { afterSeq = -Infinity, maxBytes = MAX_BYTES } = {}) {
    const ops = await this.store.listOps();
    return batchOf(afterSeq === -Infinity ? ops : ops.filter((op) => op.seq > afterSeq), max, maxBytes);
  }

  /** Take the server's answers off the outbox: applied and conflict are done, rejected needs the user.
   *
   * An op without a result stays pending and goes again with the next push (same op_id, so the
   * server never applies it twice). Returns the entities touched, for the screen to refresh.
   */
  async settle(results, at = this.now()) {
    const ops = await this.store.listOps();
    const byId = new Map(ops.map((op) => [op.op_id, op]));
    const done = [];
    const rejected = [];
    const requeue = [];
    const entities = new Set();
    for (const result of results || []) {
      const op = byId.get(result.op_id);
      if (!op) continue; // settled already (a duplicated answer)
      if (result.status === "rejected") {
        const rest = remainderOf(op, result, ops);
        const entry = { op: wireOp(op), result, at: at.toISOString() };
        if (rest) {
          // The refused fields wait for the user in Needs attention; the valid ones go on at once.
          const refused = new Set(Object.keys(result.errors).map((name) => name.split(".")[0]));
          entry.op.fields = Object.fromEntries(Object.entries(op.fields).filter(([k]) => refused.has(k)));
          entry.requeued = Object.keys(rest);
          if (!ops.some((o) => o.split_of === op.op_id)) requeue.push(this.#remainderOp(op, rest));
        }
        rejected.push(entry);
      } else if (result.status !== "applied" && result.status !== "conflict") {
        continue; // an answer this client does not understand: keep the op, lose nothing
      }
      done.push(op.op_id);
      entities.add(op.entity);
    }
    // Rejected first: a crash in between leaves the op in both places, and the next push gets the
    // same stored answer back, which overwrites the same "rejected" entry.
    // The remainder first: a crash before the old op leaves finds it by split_of, not twice.
    if (requeue.length) await this.store.addOps(requeue);
    if (rejected.length) await this.store.addRejected(rejected);
    if (done.length) {
      await this.store.removeOps(done);
      await this.#changed();
    }
    entities.requeued = requeue.length; // the sync pushes these at once
    return entities;
  }

  /** A put of a rejected op's valid fields: the same record, edit time and base, a new op_id and seq. */
  #remainderOp(op, fields) {
    const now = this.now();
    const made = makeOp({ entity: op.entity, id: op.id, fields, baseVersion: op.base_version, now,
      ...(this.uuid ? { uuid: this.uuid } : {}) });
    return { ...made, edited_at: op.edited_at, split_of: op.op_id };
  }

  /** Call fn(count) whenever the number of pending ops may have changed. */
  onChange(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async #add(spec) {
    const op = makeOp({ ...spec, now: this.now(), ...(this.uuid ? { uuid: this.uuid } : {}) });
    const [stored] = await this.store.addOps([op]);
    await this.#changed();
    return stored;
  }

  async #changed() {
    if (this.listeners.size === 0) return;
    const count = await this.count();
    for (const fn of [...this.listeners]) {
      try {
        fn(count);
      } catch (err) {
        // One broken listener must not stop the edit from being queued, nor the other listeners.
        console.error(err);
      }
    }
  }
}
