// The screen contract: the router's table and tabs are built from the screens' own declarations,
// and a data change redraws exactly the screens that declared its topic.
import { test } from "node:test";
import assert from "node:assert/strict";

import { SCREENS } from "../../pwa/static/js/router.js";
import { buildRoutes, buildTabs, holds, matchRoute, outboxTopics, refreshes } from "../../pwa/static/js/screens.js";
import { ENTITIES } from "../../pwa/static/js/entities.js";
import * as card from "../../pwa/static/js/ui/card.js";
import * as customerForm from "../../pwa/static/js/ui/customer-form.js";
import * as customers from "../../pwa/static/js/ui/customers.js";
import * as login from "../../pwa/static/js/ui/login.js";
import * as nearby from "../../pwa/static/js/ui/nearby.js";
import * as settings from "../../pwa/static/js/ui/settings.js";
import * as tasks from "../../pwa/static/js/ui/tasks.js";
import * as today from "../../pwa/static/js/ui/today.js";
import * as visit from "../../pwa/static/js/ui/visit.js";

const ID = "0191f5e2-8a4b-7c3d-9e1f-2a3b4c5d6e7f";

// The routes the router used to hard-code: each hash, the screen it opened and its parameters.
const EXPECTED = [
  ["#/login", login, {}],
  ["#/today", today, {}],
  ["#/customers", customers, {}],
  ["#/customers/new", customerForm, {}],
  [`#/customers/${ID}/edit`, customerForm, { id: ID }],
  [`#/customers/${ID}/visit`, visit, { customerId: ID, mode: "log" }],
  [`#/customers/${ID}/plan`, visit, { customerId: ID, mode: "plan" }],
  [`#/customers/${ID}`, card, { id: ID }],
  ["#/visit", visit, { mode: "pick" }],
  [`#/activities/${ID}/close`, visit, { activityId: ID, mode: "close" }],
  ["#/tasks/new", tasks, { form: true }], // the new-task form, a route of the Tasks tab
  ["#/nearby", nearby, {}], // no tab of its own: the Customers screen links to it
];

test("the app's routes, built from the screens' declarations, open the screens they always did", () => {
  const table = buildRoutes(SCREENS);
  for (const [hash, view, params] of EXPECTED) {
    const found = matchRoute(table, hash);
    assert.ok(found, hash);
    assert.equal(found.view, view, hash);
    assert.deepEqual(found.params, params, hash);
  }
  assert.equal(table.length, EXPECTED.length + 3, "plus #/tasks, #/attention, #/settings");
  for (const hash of ["#/", "#/customers/", "#/customers/a/b", "#/customers/x y", "#/today?x", "today"]) {
    assert.equal(matchRoute(table, hash), null, hash);
  }
});

test("a fixed path wins over a parameter whatever order the screens are listed in", () => {
  for (const order of [[card, customerForm], [customerForm, card]]) {
    assert.equal(matchRoute(buildRoutes(order), "#/customers/new").view, customerForm);
  }
});

test("the tabs come from the screens that declare one, in the order they are listed", () => {
  assert.deepEqual(buildTabs(SCREENS), [
    { tab: "today", href: "#/today" }, { tab: "customers", href: "#/customers" }, { tab: "tasks", href: "#/tasks" },
    { tab: "attention", href: "#/attention" }, { tab: "settings", href: "#/settings" },
  ]);
});

test("a contract that cannot work is refused when the table is built", () => {
  const screen = (routes, tab = null) => ({ screen: { routes, tab } });
  assert.throws(() => buildRoutes([screen({ "#/a": {} }), screen({ "#/a": {} })]), /declared twice/);
  assert.throws(() => buildTabs([screen({ "#/a/:id": {} }, "a")]), /no route without parameters/);
  assert.throws(() => buildTabs([screen({ "#/a": {} }, "a"), screen({ "#/b": {} }, "a")]), /tab a is declared twice/);
});

test("forms never refresh; lists refresh on their own topics, and on any change when it is not named", () => {
  const forms = SCREENS.filter((view) => !view.screen.refresh).map((view) => view.screen.routes);
  assert.equal(forms.length, 3, "the customer form, the visit forms and login");
  for (const view of SCREENS.filter((v) => !v.screen.refresh)) {
    assert.equal(refreshes(view.screen, undefined), false);
    assert.equal(refreshes(view.screen, new Set(ENTITIES)), false);
  }
  assert.equal(refreshes(today.screen, undefined), true);
  assert.equal(refreshes(today.screen, new Set(["task"])), true);
  assert.equal(refreshes(today.screen, new Set(["delivery", "rejected"])), false);
  assert.equal(refreshes(card.screen, new Set(["delivery"])), true);
  assert.equal(refreshes(customers.screen, new Set()), false, "nothing changed, nothing redrawn");
  assert.equal(refreshes(settings.screen, new Set(["sync"])), true, "settings shows the sync state");
  assert.equal(refreshes(today.screen, new Set(["sync"])), false, "a list is redrawn for its data only");
});

test("every topic a screen declares is one the app sends", () => {
  const known = new Set([...ENTITIES, "rejected", "outbox", "profile", "sync"]);
  for (const view of SCREENS) {
    for (const topic of view.screen.refresh?.on || []) assert.ok(known.has(topic), `${Object.keys(view.screen.routes)}: ${topic}`);
  }
});

test("a screen may hold its refresh while something is being typed in it", () => {
  const root = (open) => ({ querySelector: (sel) => (sel === "details[open]" && open ? {} : null) });
  assert.equal(holds(card.screen, root(true)), true);
  assert.equal(holds(card.screen, root(false)), false);
  assert.equal(holds(today.screen, root(true)), false, "no hold declared");
});

test("the outbox's topics: the entities of ops that came or went, their cascade, and the rejected list", () => {
  const op = (op_id, entity) => ({ op_id, entity, id: `${entity}-1` });
  const state = (ops, rejected = []) => ({ ops, rejected: rejected.map((id) => ({ op: { op_id: id } })) });
  const sorted = (set) => [...set].sort();
  assert.deepEqual(sorted(outboxTopics(state([op("1", "task")]), state([op("1", "task")]))), []);
  assert.deepEqual(sorted(outboxTopics(state([]), state([op("1", "task")]))), ["outbox", "task"]);
  assert.deepEqual(sorted(outboxTopics(state([op("1", "contact")]), state([], ["1"]))), ["contact", "outbox", "rejected"]);
  assert.deepEqual(sorted(outboxTopics(state([]), state([op("2", "customer")]))),
    ["activity", "contact", "customer", "delivery", "outbox", "task"], "a customer's delete hides its children");
  assert.deepEqual(sorted(outboxTopics(state([], ["1"]), state([]))), ["rejected"]);
});
