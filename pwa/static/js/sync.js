// Push the outbox, then pull until the server has nothing more (SPEC §5). All I/O is injected, so
// the node tests drive this state machine with a fake fetch and fake timers. Requests go through
// api.js (the app's, or one made here over `fetch` in the service worker and the tests).

import { ApiError, createApi, readJson } from "./api.js";
import { SYNC_TAG } from "./constants.js";
import { ENTITIES } from "./entities.js";
import { MAX_OPS, wireOp } from "./outbox.js";
import { PullProgress } from "./pull-progress.js";
import { SLIM_PULL, filledChanges } from "./wire.js";

export const BACKOFF_START_MS = 5000;
export const BACKOFF_MAX_MS = 5 * 60 * 1000;
export const PULL_LIMIT = 1000;
const RULES_EVERY_MS = 15 * 60 * 1000;
export { SYNC_TAG }; // the Background Sync tag sw.js listens for

/** Wait before retry number `attempt` (1, 2, ...): 5 s doubling to 5 min, ±20 % jitter. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(BACKOFF_START_MS * 2 ** Math.max(0, attempt - 1), BACKOFF_MAX_MS);
  // Jitter keeps a fleet of phones that lost signal together from retrying in lockstep.
  return Math.min(Math.round(base * (0.8 + 0.4 * random())), BACKOFF_MAX_MS);
}

export class Sync {
  constructor({ store, outbox, api, fetch, baseUrl = "", clientId, now = () => Date.now(),
    setTimeout: setTimer = globalThis.setTimeout, clearTimeout: clearTimer = globalThis.clearTimeout,
    onState = () => {}, onChanges = () => {}, onResync = () => {}, random = Math.random, rules = Boolean(api) }) {
    // rules: keep the server's validation rules for the forms (the app's Sync, which shares the
    // app's api; the service worker's background push and the tests' fake servers need none).
    Object.assign(this, { store, outbox, clientId, now, setTimer, clearTimer, onState, onChanges, onResync, random, rules });
    this.rulesAt = null;
    this.api = api || createApi({ fetch, baseUrl, token: () => store.getMeta("token") });
    // progress: {done, total} while a pull has more pages to come (total: about, or null), else null.
    this.current = { status: "idle", pending: 0, lastSync: null, lastError: null, nextRetryAt: null, progress: null };
    this.failures = 0;
    this.timer = null;
    this.running = false;
    this.waiters = []; // callers waiting for the next run
    this.intervalMs = null; // set by start(): periodic sync after each success
    this.stopped = false;
    outbox.onChange((count) => this.#set({ pending: count }));
  }

  get state() {
    return { ...this.current };
  }

  /** Load the pending count and the last sync time, for the first paint before any run. */
  async init() {
    const [pending, lastSync] = await Promise.all([this.outbox.count(), this.store.getMeta("last_sync")]);
    this.#set({ pending, lastSync: lastSync ?? null });
    return this.state;
  }

  /** Run one sync; during a run, ask for exactly one more after it. Never rejects: see `state`. */
  syncNow() {
    const done = new Promise((resolve) => this.waiters.push(resolve));
    if (!this.running) {
      this.running = true;
      this.#drive();
    }
    return done;
  }

  /** Sync now and then every `intervalMs` while it succeeds (errors back off instead). */
  start({ intervalMs = 60000 } = {}) {
    this.intervalMs = intervalMs;
    this.stopped = false;
    return this.init().then(() => this.syncNow());
  }

  /** No more timers: no periodic runs and no retries (e.g. at logout). A run under way finishes. */
  stop() {
    this.stopped = true;
    this.intervalMs = null;
    this.#clearTimer();
    this.#set({ nextRetryAt: null });
  }

  async #drive() {
    try {
      while (this.waiters.length) {
        const waiting = this.waiters;
        this.waiters = [];
        try {
          await this.#run();
        } catch (err) {
          this.#failed(err); // e.g. the browser refused IndexedDB: still a state, never a rejection
        }
        for (const resolve of waiting) resolve(this.state);
      }
    } finally {
      this.running = false;
    }
  }

  async #run() {
    this.#clearTimer();
    if (!(await this.store.getMeta("token"))) {
      this.#set({ status: "auth", lastError: "Not logged in", nextRetryAt: null });
      return;
    }
    this.#set({ status: "syncing", nextRetryAt: null });
    try {
      const results = [];
      try {
        await this.#push(results);
        await this.#pull();
      } finally {
        // Settled only now, so a pushed edit stays on screen until the pull brought it back;
        // answers already received are settled even when a later request failed.
        if (results.length) {
          const settled = await this.outbox.settle(results);
          this.#changed(settled);
          // A rejected op's valid fields were queued again: send them now, not a minute later.
          if (settled?.requeued) this.waiters.push(() => {});
        }
      }
      if (this.rules) await this.#refreshRules();
      const at = this.now();
      await this.store.setMeta("last_sync", at);
      this.failures = 0;
      this.#set({ status: "idle", lastSync: at, lastError: null, progress: null });
      if (this.intervalMs && !this.stopped) this.#schedule(this.intervalMs, false);
    } catch (err) {
      this.#failed(err);
    } finally {
      this.#set({ pending: await this.outbox.count() });
    }
  }

  /** Why a run stopped: an ApiError of kind "offline" (no answer), "auth" (401) or "error". */
  #failed(err) {
    const kind = err instanceof ApiError ? err.kind : "error";
    if (kind === "auth") {
      // The outbox stays; the user logs in again and the UI calls syncNow.
      this.#set({ status: "auth", lastError: err.message, nextRetryAt: null });
      return;
    }
    this.failures += 1;
    this.#set({ status: kind === "offline" ? "offline" : "error", lastError: err.message, progress: null });
    if (this.stopped) return;
    const wait = Math.max(backoffDelay(this.failures, this.random), err.retryAfterMs || 0);
    this.#schedule(wait, true);
  }

  async #push(results) {
    const clientId = await this.#clientId();
    let afterSeq = -Infinity;
    for (;;) {
      const batch = await this.outbox.takeBatch(MAX_OPS, { afterSeq });
      if (batch.length === 0) return;
      const res = await this.api.request("POST", "/api/sync/push", { body: { client_id: clientId, ops: batch.map(wireOp) } });
      if (res.status === 413 && batch.length === 1) {
        // Too big to ever be accepted: set it aside where the user sees it rather than jam the queue.
        results.push({ op_id: batch[0].op_id, status: "rejected", conflicts: [],
          errors: { _request: ["This change is too large to send."] } });
      } else {
        const body = await readJson(res);
        results.push(...(body.results || []));
      }
      afterSeq = batch[batch.length - 1].seq;
    }
  }

  async #pull() {
    // The cursor is stored in the same transaction as its page's records (db.js applyChanges), so
    // a run after a dropped network starts at the last page stored: at most one page comes twice.
    let cursor = (await this.store.getMeta("cursor")) ?? 0;
    const progress = await PullProgress.resume(this.store, cursor);
    let reset = false;
    let resynced = false;
    const ask = (from) => this.api.request("GET", `/api/sync/pull?cursor=${encodeURIComponent(from)}&limit=${PULL_LIMIT}&${SLIM_PULL}`);
    let next = ask(cursor);
    for (;;) {
      const res = await next;
      if ((res.status === 400 || res.status === 410) && cursor !== 0 && !reset) {
        // 400: the server no longer knows our cursor (e.g. it was reset); 410 resync_required: it
        // pruned deletes older than our cursor, which we may have missed. Start over, once, and
        // drop the old copy with the first page so no record the server forgot lingers. Only
        // records go: the outbox stays, and rebase.js shows its pending ops on the fresh copy.
        resynced = res.status === 410;
        cursor = 0;
        reset = true;
        progress.restart();
        next = ask(0);
        continue;
      }
      const body = await readJson(res);
      const changes = filledChanges(body); // empty fields back in (wire.js): stored as a full pull's
      if (body.more && !(body.cursor > cursor)) throw new ApiError("error", "The server's cursor did not advance");
      // Ask for the next page before storing this one: on a thin network its download overlaps
      // IndexedDB's work. Only that one page is in flight when the network drops.
      next = body.more ? ask(body.cursor) : null;
      next?.catch(() => {}); // awaited above next time round; a failed store must not leave it unhandled
      await this.store.applyChanges(changes, body.cursor, { reset });
      this.#changed(reset ? new Set(ENTITIES) : new Set(changes.map((c) => c.entity)));
      reset = false;
      cursor = body.cursor;
      const shown = await progress.page(changes.length, cursor, body.latest, body.more);
      if (shown || this.current.progress) this.#set({ progress: shown });
      if (!body.more) break;
    }
    if (resynced) this.onResync(); // the app says so in a short note
  }

  /** Store GET /api/rules (IndexedDB meta "rules") at the first run and then every 15 minutes;
   * the browser revalidates its ETag. Never fails a sync: the server checks every op anyway. */
  async #refreshRules() {
    if (this.rulesAt !== null && this.now() - this.rulesAt < RULES_EVERY_MS) return;
    try {
      const rules = await readJson(await this.api.request("GET", "/api/rules"));
      if (rules && rules.entities) await this.store.setMeta("rules", rules);
      this.rulesAt = this.now();
    } catch (err) {
      if (err instanceof ApiError && err.kind === "auth") throw err;
    }
  }

  async #clientId() {
    if (this.clientId) return this.clientId;
    let id = await this.store.getMeta("client_id");
    if (!id) {
      id = crypto.randomUUID();
      await this.store.setMeta("client_id", id);
    }
    this.clientId = id;
    return id;
  }

  #changed(entities) {
    if (entities && entities.size) this.onChanges(entities);
  }

  #schedule(ms, retry) {
    this.#clearTimer();
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.syncNow();
    }, ms);
    this.#set({ nextRetryAt: retry ? this.now() + ms : null });
  }

  #clearTimer() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  #set(patch) {
    this.current = { ...this.current, ...patch };
    this.onState(this.state);
  }
}

/** Sync when the network comes back and when the app is shown again; returns the remover. */
export function autoSync(sync, win = globalThis) {
  const online = () => sync.syncNow();
  const visible = () => {
    const doc = win.document;
    if (!doc || doc.visibilityState === "visible") sync.syncNow();
  };
  win.addEventListener("online", online);
  // visibilitychange fires on the document; fall back to the window for test doubles.
  const target = win.document && win.document.addEventListener ? win.document : win;
  target.addEventListener("visibilitychange", visible);
  return () => {
    win.removeEventListener("online", online);
    target.removeEventListener("visibilitychange", visible);
  };
}

/** Ask the browser for a Background Sync (where it has one) so sw.js can push when signal returns. */
export async function requestBackgroundSync(registration) {
  if (!registration || !registration.sync || typeof registration.sync.register !== "function") return false;
  try {
    await registration.sync.register(SYNC_TAG);
    return true;
  } catch {
    return false; // denied or unsupported: the online/visibility triggers still run
  }
}
