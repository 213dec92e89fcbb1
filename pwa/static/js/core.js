// The app's state: the local store, the outbox, the sync loop and the view the screens read
// (server records with pending ops rebased on top). Screens never wait for the network: a write
// goes to the outbox, the view is recomputed from memory, and sync runs behind.
// Events for the router: "data" with the topics that changed (screens.js), "sync", "auth"
// when the server refused the token, and "resync" after a full resync the server asked for (410).
import { createApi } from "./api.js";
import { openStore } from "./db.js";
import { DEFAULT_INTERVALS, indexCustomers } from "./domain.js";
import { ENTITIES, affectedBy } from "./entities.js";
import { Outbox } from "./outbox.js";
import { rebaseAll } from "./rebase.js";
import { outboxTopics } from "./screens.js";
import { Sync, autoSync, requestBackgroundSync } from "./sync.js";

export { ENTITIES };
const RELOAD_DEBOUNCE_MS = 200;
const RELOAD_MAX_WAIT_MS = 1500; // a long pull still shows what has landed, this often

class AppState {
  constructor() {
    this.listeners = new Set();
    this.server = Object.fromEntries(ENTITIES.map((e) => [e, []]));
    this.serverById = Object.fromEntries(ENTITIES.map((e) => [e, new Map()]));
    this.ops = [];
    this.rejected = [];
    this.view = Object.fromEntries(ENTITIES.map((e) => [e, new Map()]));
    this.generation = 0;
    this.derivedCache = new Map();
    this.dirty = new Set();
    this.reloading = 0;
    this.api = createApi({
      fetch: (...args) => fetch(...args), token: () => this.store.getMeta("token"),
      onUnauthorized: () => this.emit("auth"),
    });
  }

  async init() {
    this.store = await openStore();
    this.outbox = new Outbox(this.store);
    this.clientId = await this.store.getMeta("client_id");
    if (!this.clientId) {
      this.clientId = crypto.randomUUID();
      await this.store.setMeta("client_id", this.clientId);
    }
    this.user = (await this.store.getMeta("user")) || null;
    this.intervals = (await this.store.getMeta("service_levels")) || DEFAULT_INTERVALS;
    await Promise.all(ENTITIES.map((e) => this.reloadEntity(e)));
    await this.reloadOutbox();
    this.outbox.onChange(() => this.outboxChanged());
  }

  /** Start syncing (after login or at start with a saved token). */
  startSync() {
    if (this.syncStarted) return this.sync.syncNow();
    this.syncStarted = true;
    // One Sync per login: a new login after logout starts with a new client id and cursor.
    this.sync = new Sync({
      store: this.store, outbox: this.outbox, api: this.api, clientId: this.clientId,
      setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id),
      onState: (state) => {
        // A finished sync shows its records at once rather than after the reload debounce.
        if (state?.status !== "syncing" && this.dirty.size) this.flushDirty();
        this.emit("sync");
      },
      onChanges: (entities) => this.markDirty(entities),
      onResync: () => this.emit("resync"), // the server pruned past our cursor: a full copy came
    });
    this.removeAutoSync = autoSync(this.sync, window);
    return this.sync.start({ intervalMs: 60000 }); // start() syncs at once, then every minute
  }

  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Tell the listeners; `topics` (for "data") names what changed, undefined meaning anything. */
  emit(kind, topics) {
    for (const fn of this.listeners) fn(kind, topics);
  }

  markDirty(entities) {
    for (const e of entities) this.dirty.add(e);
    clearTimeout(this.reloadTimer);
    // Initial sync stores hundreds of pages: reload once they settle, not after every page, but
    // at least every RELOAD_MAX_WAIT_MS, so customers pulled so far list and open mid-sync.
    this.dirtySince ??= Date.now();
    const wait = Math.min(RELOAD_DEBOUNCE_MS, this.dirtySince + RELOAD_MAX_WAIT_MS - Date.now());
    this.reloadTimer = setTimeout(() => this.flushDirty(), Math.max(0, wait));
  }

  async flushDirty() {
    clearTimeout(this.reloadTimer);
    const entities = [...this.dirty];
    this.dirty.clear();
    this.dirtySince = null;
    this.reloading += 1; // until the records are in memory, a finished sync is not yet on screen
    let topics;
    try {
      await Promise.all(entities.map((e) => this.reloadEntity(e)));
      topics = await this.reloadOutbox();
    } finally {
      this.reloading -= 1;
    }
    // A pulled customer tombstone hides its children too (rebase.js), so their lists change.
    for (const entity of affectedBy(entities)) topics.add(entity);
    this.emit("data", topics);
  }

  /** True when every record the last sync stored is in the view. */
  settled() {
    return !this.dirty.size && !this.reloading;
  }

  async reloadEntity(entity) {
    const rows = await this.store.all(entity);
    this.server[entity] = rows;
    this.serverById[entity] = new Map(rows.map((r) => [r.id, r]));
  }

  /** Reload the pending and rejected ops; return the topics they changed. */
  async reloadOutbox() {
    const before = { ops: this.ops, rejected: this.rejected };
    this.ops = await this.outbox.pending();
    this.rejected = await this.store.listRejected();
    this.recompute();
    return outboxTopics(before, this);
  }

  /** The outbox changed (here or in the service worker): reload it and tell the screens. */
  async outboxChanged() {
    this.emit("data", await this.reloadOutbox());
  }

  recompute() {
    this.view = rebaseAll(this.server, this.ops);
    this.generation += 1;
    this.derivedCache.clear();
  }

  /** Memoise a value derived from the view until the next recompute. */
  derived(name, build) {
    if (!this.derivedCache.has(name)) this.derivedCache.set(name, build());
    return this.derivedCache.get(name);
  }

  list(entity) {
    return this.derived(`list:${entity}`, () => [...this.view[entity].values()]);
  }

  get(entity, id) {
    return this.view[entity].get(id);
  }

  customerIndex() {
    return this.derived("customerIndex", () =>
      indexCustomers(this.list("customer"), this.list("contact"), this.list("activity")));
  }

  childrenOf(entity, customerId) {
    return this.derived(`children:${entity}`, () => {
      const map = new Map();
      for (const r of this.list(entity)) {
        const key = r.data.customer_id;
        if (!map.has(key)) map.set(key, []);
        map.get(key).push(r);
      }
      return map;
    }).get(customerId) || [];
  }

  pendingCount() {
    return this.ops.length;
  }

  /** Queue a put (create or patch the given fields); the screen updates at once. */
  async put(entity, id, fields) {
    const base = this.serverById[entity].get(id)?.version || 0;
    const op = await this.outbox.put(entity, id, fields, base);
    this.afterWrite();
    return op;
  }

  async remove(entity, id) {
    const base = this.serverById[entity].get(id)?.version || 0;
    const op = await this.outbox.remove(entity, id, base);
    this.afterWrite();
    return op;
  }

  afterWrite() {
    // Sync soon, but let a burst of edits (a form with a follow-up task) go in one push.
    clearTimeout(this.kickTimer);
    if (this.syncStarted && navigator.onLine) this.kickTimer = setTimeout(() => this.sync.syncNow(), 800);
    navigator.serviceWorker?.ready.then(requestBackgroundSync).catch(() => {});
  }

  async setSession(token, user) {
    await this.store.setMeta("token", token);
    await this.setUser(user);
  }

  /** Keep the user's profile (e.g. a fresh /api/me) for offline use. */
  async setUser(user) {
    await this.store.setMeta("user", user);
    this.user = user;
  }

  syncState() {
    return this.sync?.state || { status: "idle", pending: this.ops.length };
  }

  async logout() {
    this.sync?.stop();
    this.sync = null;
    this.removeAutoSync?.();
    this.syncStarted = false;
    const token = await this.store.getMeta("token");
    if (token && navigator.onLine) {
      // Quiet: a token the server already refused needs no login screen on the way out.
      this.api.request("DELETE", "/api/auth/token", { bearer: token, quiet: true }).catch(() => {});
    }
    await this.store.clearAll();
    this.user = null;
    this.clientId = crypto.randomUUID();
    await this.store.setMeta("client_id", this.clientId);
    await Promise.all(ENTITIES.map((e) => this.reloadEntity(e)));
    await this.reloadOutbox();
  }
}

export const app = new AppState();
