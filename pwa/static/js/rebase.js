// What the screen shows: the server state as last pulled, with the outbox's pending ops on top.
// Pure: plain records and ops in, plain view records out; no I/O, no clock.

// Which references cascade comes from entities.js, the phone's copy of the server's declaration
// (SPEC §5 rule 5): deleting a customer takes its outlets (customer.parent_id) and its contacts,
// visits, tasks and deliveries (customer_id). The loose references (activity.contact_id,
// task.delivery_id) are only cleared by the server, so a view keeps those records.
import { ENTITIES, cascadeChildren } from "./entities.js";

export { ENTITIES }; // db.js and older callers take the list from here

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
  hideOrphans(views, hidden);
  return views;
}

/** Drop what the server's cascade would take with the records the phone does not show.
 *
 * `hidden` maps an entity to the ids the phone knows but hides (deleted here or tombstoned). A
 * reference to a record the phone has never seen keeps its record visible: it may simply not be
 * pulled yet.
 */
export function hideOrphans(views, hidden) {
  const dead = {};
  for (const [entity, ids] of Object.entries(hidden || {})) if (ids && ids.size) dead[entity] = new Set(ids);
  // A queue, not one pass in a fixed order: an entity whose hidden set grew hands it on to its own
  // children; a reference to its own entity (a chain's outlets, and theirs) is walked down at once.
  const queue = ENTITIES.filter((entity) => dead[entity]);
  while (queue.length) {
    const entity = queue.shift();
    for (const [child, field] of cascadeChildren(entity)) {
      const view = views[child];
      if (!view) continue;
      const gone = dead[child] || (dead[child] = new Set());
      const before = gone.size;
      if (child === entity) walkDown(view, field, gone);
      else dropChildren(view, field, dead[entity], gone);
      if (child !== entity && gone.size > before && !queue.includes(child)) queue.push(child);
    }
  }
  return views;
}

/** Hide, in one entity, every record below a hidden one through `field`, level after level. */
function walkDown(view, field, dead) {
  const below = new Map();
  for (const [id, rec] of view) {
    const parent = rec.data && rec.data[field];
    if (!parent) continue;
    const list = below.get(parent);
    if (list) list.push(id);
    else below.set(parent, [id]);
  }
  const stack = [...dead];
  while (stack.length) {
    for (const id of below.get(stack.pop()) || []) {
      if (dead.has(id)) continue;
      dead.add(id);
      view.delete(id);
      stack.push(id);
    }
  }
}

/** Hide the records whose `field` names a hidden parent; remember them for their own children. */
function dropChildren(view, field, parents, dead) {
  for (const [id, rec] of view) {
    if (rec.data && parents.has(rec.data[field])) {
      view.delete(id);
      dead.add(id);
    }
  }
}
