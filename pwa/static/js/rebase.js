// What the screen shows: the server state as last pulled, with the outbox's pending ops on top.
// Pure: plain records and ops in, plain view records out; no I/O, no clock.

export const ENTITIES = ["customer", "contact", "activity", "task", "delivery", "conflict"];

// Deleting a customer deletes its outlets (customer.parent_id) and these children through their
// customer_id (SPEC §5 rule 5). The loose references (activity.contact_id, task.delivery_id) are
// only cleared by the server, so a view keeps those records.
const CHILDREN = ["contact", "activity", "task", "delivery"];

const key = (entity, id) => `${entity}:${id}`;

/** Lay one record's pending ops, in outbox order, over its server state. */
export function rebaseRecord(serverRecord, ops) {
  if (!ops || ops.length === 0) {
    return serverRecord && !serverRecord.deleted ? serverRecord : undefined;
  }
  let hidden = serverRecord ? Boolean(serverRecord.deleted) : true;
  let data = serverRecord ? serverRecord.data : {};
  let copied = false;
  for (const op of ops) {
    if (op.type === "delete") {
      hidden = true;
      continue;
    }
    // A put creates, patches, or (after a delete) restores: the server keeps a tombstone's
    // fields and brings them back, so the view does too.
    if (!copied) {
      data = { ...data };
      copied = true;
    }
    Object.assign(data, op.fields || {});
    hidden = false;
  }
  if (hidden) return undefined;
  const id = serverRecord ? serverRecord.id : ops[0].id;
  const version = serverRecord ? serverRecord.version : 0;
  return { id, version, deleted: false, data, pending: true };
}

/** Group ops by entity and id once, keeping outbox order inside each group. */
export function indexOps(ops) {
  const byKey = new Map();
  for (const op of ops) {
    const k = key(op.entity, op.id);
    const list = byKey.get(k);
    if (list) list.push(op);
    else byKey.set(k, [op]);
  }
  return byKey;
}

/** Rebase every entity: {entity: records[]} and ops -> {entity: Map(id -> view record)}. */
export function rebaseAll(serverByEntity, ops) {
  const server = serverByEntity || {};
  const byKey = indexOps(ops);
  const names = new Set([...ENTITIES, ...Object.keys(server)]);
  for (const op of ops) names.add(op.entity);

  const views = {};
  const hidden = {}; // entity -> Set of ids the phone knows but does not show
  const withCopy = new Set(); // keys of ops whose record has a server copy
  for (const entity of names) {
    const view = new Map();
    const gone = new Set();
    for (const record of server[entity] || []) {
      const k = key(entity, record.id);
      const recOps = byKey.get(k);
      if (recOps) withCopy.add(k);
      // Untouched records are reused, not copied: most of 25 000 records have no pending op.
      const shown = rebaseRecord(record, recOps);
      if (shown) view.set(record.id, shown);
      else gone.add(record.id);
    }
    views[entity] = view;
    hidden[entity] = gone;
  }
  // Records the phone made and the server has not sent back yet.
  for (const [k, recOps] of byKey) {
    if (withCopy.has(k)) continue;
    const { entity, id } = recOps[0];
    const shown = rebaseRecord(undefined, recOps);
    if (shown) views[entity].set(id, shown);
    else hidden[entity].add(id);
  }
  hideOrphans(views, hidden.customer);
  return views;
}

/** Drop what the server's cascade would take with a customer the phone does not show.
 *
 * `gone` holds the customers the phone knows but hides (deleted here or tombstoned). A reference
 * to a customer the phone has never seen keeps its record visible: it may simply not be pulled yet.
 */
export function hideOrphans(views, gone) {
  const customers = views.customer;
  if (!customers || !gone || gone.size === 0) return views;
  const dead = new Set(gone);
  // Outlets of a hidden chain go too, and their outlets: walk down from each hidden customer.
  const outlets = new Map();
  for (const [id, rec] of customers) {
    const parent = rec.data && rec.data.parent_id;
    if (!parent) continue;
    const list = outlets.get(parent);
    if (list) list.push(id);
    else outlets.set(parent, [id]);
  }
  const stack = [...dead];
  while (stack.length) {
    for (const child of outlets.get(stack.pop()) || []) {
      if (dead.has(child)) continue;
      dead.add(child);
      customers.delete(child);
      stack.push(child);
    }
  }
  for (const entity of CHILDREN) {
    const view = views[entity];
    if (!view) continue;
    for (const [id, rec] of view) {
      if (rec.data && dead.has(rec.data.customer_id)) view.delete(id);
    }
  }
  return views;
}
