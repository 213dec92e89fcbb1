// The app's state: the local store, the outbox, the sync loop and the view the screens read
// (server records with pending ops rebased on top). Screens never wait for the network: a write
// goes to the outbox, the view is recomputed from memory, and sync runs behind.
import { openStore } from "./db.js";
import { Outbox } from "./outbox.js";
import { ENTITIES, rebaseAll } from "./rebase.js";
import { Sync, autoSync } from "./sync.js";
import { DEFAULT_INTERVALS, indexCustomers } from "./domain.js";

export { ENTITIES };
const RELOAD_DEBOUNCE_MS = 200;

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
    this.outbox.onChange(() => this.reloadOutbox().then(() => this.emit("data")));
  }

  /** Start syncing (after login or at start with a saved token). */
  startSync() {
    if (this.syncStarted) return this.sync.syncNow();
    this.syncStarted = true;
    // One Sync per login: a new login after logout starts with a new client id and cursor.
    this.sync = new Sync({
      store: this.store, outbox: this.outbox, fetch: (...args) => fetch(...args), clientId: this.clientId,
      setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id),
      onState: (state) => {
        // A finished sync shows its records at once rather than after the reload debounce.
        if (state?.status !== "syncing" && this.dirty.size) this.flushDirty();
        this.emit("sync");
      },
      onChanges: (entities) => this.markDirty(entities),
    });
    this.removeAutoSync = autoSync(this.sync, window);
    return this.sync.start({ intervalMs: 60000 }); // start() syncs at once, then every minute
  }

  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(kind) {
    for (const fn of this.listeners) fn(kind);
  }

  markDirty(entities) {
    for (const e of entities) this.dirty.add(e);
    clearTimeout(this.reloadTimer);
    // Initial sync stores hundreds of pages: reload once they settle, not after every page.
    this.reloadTimer = setTimeout(() => this.flushDirty(), RELOAD_DEBOUNCE_MS);
  }

  async flushDirty() {
    clearTimeout(this.reloadTimer);
    const entities = [...this.dirty];
    this.dirty.clear();
    this.reloading += 1; // until the records are in memory, a finished sync is not yet on screen
    try {
      await Promise.all(entities.map((e) => this.reloadEntity(e)));
      await this.reloadOutbox();
    } finally {
      this.reloading -= 1;
    }
    this.emit("data");
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

  async reloadOutbox() {
    this.ops = await this.outbox.pending();
    this.rejected = await this.store.listRejected();
    this.recompute();
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
    navigator.serviceWorker?.ready.then((reg) => reg.sync?.register("kentta-sync")).catch(() => {});
  }

  async setSession(token, user) {
    await this.store.setMeta("token", token);
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
      fetch("/api/auth/token", { method: "DELETE", headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
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
