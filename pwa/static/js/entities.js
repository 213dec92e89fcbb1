// The synced entities and their references, as the server declares them in server/entities.py
// (tests/test_pwa_entities.py checks the two agree). The phone needs them offline, where it cannot
// ask the server: rebase.js lays the server's cascade over pending deletes, and core.js knows
// which lists a changed entity can touch.

export const CASCADE = "cascade"; // deleting the target deletes this record (SPEC §5 rule 5)
export const NULLIFY = "nullify"; // deleting the target clears the field; only the server does it
export const USER = "user"; // a user, not a synced record

/** entity -> {field: [target entity, mode]}, in the server's order. */
export const REFERENCES = Object.freeze({
  customer: { parent_id: ["customer", CASCADE], owner_id: ["user", USER] },
  contact: { customer_id: ["customer", CASCADE] },
  activity: { customer_id: ["customer", CASCADE], contact_id: ["contact", NULLIFY], owner_id: ["user", USER] },
  task: { customer_id: ["customer", CASCADE], delivery_id: ["delivery", NULLIFY], assignee_id: ["user", USER],
    created_by: ["user", USER] },
  delivery: { customer_id: ["customer", CASCADE] },
  conflict: {},
});

export const ENTITIES = Object.freeze(Object.keys(REFERENCES));

const CHILDREN = new Map(ENTITIES.map((entity) => [entity, []]));
for (const [child, refs] of Object.entries(REFERENCES)) {
  for (const [field, [target, mode]] of Object.entries(refs)) {
    if (mode === CASCADE) CHILDREN.get(target).push(Object.freeze([child, field]));
  }
}

/** [child entity, field] for every cascading reference that points at `entity`. */
export function cascadeChildren(entity) {
  return CHILDREN.get(entity) || [];
}

/** The entities whose view a change to `entities` can alter: those and their cascade descendants. */
export function affectedBy(entities) {
  const out = new Set(entities);
  const stack = [...out];
  while (stack.length) {
    for (const [child] of cascadeChildren(stack.pop())) {
      if (!out.has(child)) {
        out.add(child);
        stack.push(child);
      }
    }
  }
  return out;
}
