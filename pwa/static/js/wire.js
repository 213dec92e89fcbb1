// The slim pull (issue 18): the app asks the server to leave fields at their empty value out of a
// pull page (server/sync/slim.py), and puts them back here before the page is stored, so IndexedDB
// holds exactly what a full pull gives (tests/test_pull_slim.py compares the two). A page says
// once, under `fill`, every field of each of its entities and its value when absent, in the order
// a full pull's `data` has them. A page without `fill` (an older server) is taken as it is.

/** The query parameter that asks for the slim form. */
export const SLIM_PULL = "omit_empty=1";

/** The page's changes with every `data` whole again, keys in the full pull's order. */
export function filledChanges(body) {
  const changes = (body && body.changes) || [];
  const fill = body && body.fill;
  if (!fill) return changes;
  return changes.map((change) => {
    const empty = fill[change.entity];
    if (!empty || !change.data) return change;
    const data = {};
    for (const [key, value] of Object.entries(empty)) data[key] = key in change.data ? change.data[key] : value;
    for (const [key, value] of Object.entries(change.data)) if (!(key in data)) data[key] = value;
    return { ...change, data };
  });
}
