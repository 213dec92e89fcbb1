// The screen contract, read by the router. Each ui/<view>.js exports `screen`:
//   routes   {"#/customers/:id": {extra params}}: the hashes it answers, ":name" a path parameter
//   tab      the bottom tab it lights up (the tab links to its route without parameters)
//   refresh  {on: [topics], hold(root)}: the data changes that redraw it, and when not to (something
//            is being typed). A topic is an entity name or "rejected", "outbox", "profile", or
//            "sync" (the sync state changed, e.g. syncing -> synced).
//            No `refresh`: the screen is a form and is never redrawn under the rep's fingers.
// Pure: the node tests build the app's real table from the real screens.
import { affectedBy } from "./entities.js";

const PARAM = /^:(\w+)$/;

/** Build the route table: [{pattern, keys, screen, view, extra}], exact paths before parameters. */
export function buildRoutes(views) {
  const table = [];
  const seen = new Map();
  for (const view of views) {
    for (const [path, extra] of Object.entries(view.screen.routes)) {
      if (seen.has(path)) throw new Error(`route ${path} is declared twice`);
      seen.set(path, view);
      const keys = [];
      const parts = path.split("/").map((part) => {
        const param = PARAM.exec(part);
        if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        keys.push(param[1]);
        return "([\\w-]+)";
      });
      table.push({ path, pattern: new RegExp(`^${parts.join("/")}$`), keys, view, extra: extra || {} });
    }
  }
  // "#/customers/new" must not be read as a customer with the id "new": fewer parameters first,
  // whatever order the screens are listed in (sort is stable for the rest).
  return table.sort((a, b) => a.keys.length - b.keys.length);
}

/** The route a hash opens: {route, view, params} or null. */
export function matchRoute(table, hash) {
  for (const route of table) {
    const m = route.pattern.exec(hash);
    if (m) return { route, view: route.view, params: { ...Object.fromEntries(route.keys.map((k, i) => [k, m[i + 1]])), ...route.extra } };
  }
  return null;
}

/** The bottom tabs, in the order the screens are listed: [{tab, href}]. */
export function buildTabs(views) {
  const tabs = [];
  for (const view of views) {
    const { tab, routes } = view.screen;
    if (!tab) continue;
    const href = Object.keys(routes).find((path) => !path.includes(":"));
    if (!href) throw new Error(`tab ${tab} has no route without parameters`);
    if (tabs.some((t) => t.tab === tab)) throw new Error(`tab ${tab} is declared twice`);
    tabs.push({ tab, href });
  }
  return tabs;
}

/** Whether a change about `topics` (undefined: any data may have changed) redraws the screen. */
export function refreshes(screen, topics) {
  const on = screen.refresh?.on;
  if (!on) return false;
  if (!topics) return true;
  for (const topic of topics) if (on.includes(topic)) return true;
  return false;
}

/** Whether the screen asks to be left as it is for now (e.g. a fix being typed in it). */
export function holds(screen, root) {
  return Boolean(screen.refresh?.hold && root && screen.refresh.hold(root));
}

/** The topics a reload of the outbox touched, from the {ops, rejected} lists before and after. */
export function outboxTopics(before, after) {
  const topics = new Set();
  const entities = new Set();
  const was = new Set(before.ops.map((op) => op.op_id));
  const is = new Set(after.ops.map((op) => op.op_id));
  // Ops are never rewritten (outbox.js), so ops that came or went are all that changed.
  for (const op of after.ops) if (!was.has(op.op_id)) entities.add(op.entity);
  for (const op of before.ops) if (!is.has(op.op_id)) entities.add(op.entity);
  if (entities.size) topics.add("outbox");
  // A pending delete of a customer hides its children too (rebase.js).
  for (const entity of affectedBy(entities)) topics.add(entity);
  const rejected = (list) => list.map((entry) => entry.op.op_id).join(" ");
  if (rejected(before.rejected) !== rejected(after.rejected)) topics.add("rejected");
  return topics;
}
