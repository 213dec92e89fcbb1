// Kenttä service worker: the app shell from a versioned cache (the server fills in the version and
// the file list from the files on disk), old caches dropped on activate, API calls never cached.
// It also shows reminders (Web Push) and carries their "Done" / "Tomorrow" actions through the
// outbox, so they work with no signal, and runs Background Sync.
// A module worker (router.js registers it with type "module"): the browser keeps these imports with
// the worker, and they are in the precache list too, so it starts with no network.
import { HOME_ROUTE, MESSAGE, SYNC_TAG } from "/static/js/constants.js";
import { openStore } from "/static/js/db.js";
import { Outbox } from "/static/js/outbox.js";
import { Sync, requestBackgroundSync } from "/static/js/sync.js";

const VERSION = "__VERSION__";
const PRECACHE = ["__PRECACHE__"];
const SHELL_PREFIX = "kentta-shell-";
const CACHE = `${SHELL_PREFIX}${VERSION}`;
const HOME_URL = `/${HOME_ROUTE}`;
const TEXTS = {
  fi: { done: "Tehty", tomorrow: "Huomenna", title: "Muistutus" },
  en: { done: "Done", tomorrow: "Tomorrow", title: "Reminder" },
};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith(SHELL_PREFIX) && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/calendar/") || url.pathname.startsWith("/office")) return;
  if (event.request.mode === "navigate") {
    // Every screen is a hash route of "/": serve the cached shell, so a cold start needs no network.
    event.respondWith(caches.match("/", { cacheName: CACHE }).then((hit) => hit || fetch(event.request)));
    return;
  }
  event.respondWith(caches.match(event.request, { cacheName: CACHE, ignoreSearch: true })
    .then((hit) => hit || fetch(event.request)));
});

// ---- sync in the background ------------------------------------------------------------------
async function syncFromWorker() {
  const store = await openStore();
  const token = await store.getMeta("token");
  const clientId = await store.getMeta("client_id");
  if (!token || !clientId) return;
  const sync = new Sync({ store, outbox: new Outbox(store), fetch: (...a) => fetch(...a), clientId,
    setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id) });
  const state = await sync.syncNow();
  sync.stop?.();
  await tellClients({ type: MESSAGE.outbox });
  // Throwing tells the browser the Background Sync failed, so it retries later (still offline).
  if (state.status !== "idle") throw new Error(`sync ${state.status}`);
}

async function tellClients(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}

self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window" });
    // An open app syncs itself (one sync at a time); the worker only syncs for a closed app.
    if (windows.length) await tellClients({ type: MESSAGE.sync });
    else await syncFromWorker();
  })());
});

// ---- reminders -------------------------------------------------------------------------------
self.addEventListener("push", (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data?.text() };
  }
  event.waitUntil((async () => {
    // The server says the language; only an old payload without it makes us ask the local store.
    let lang = payload.lang;
    if (!lang) lang = await openStore().then((store) => store.getMeta("lang")).catch(() => null);
    lang = lang || (self.navigator.language?.startsWith("fi") ? "fi" : "en");
    const texts = TEXTS[lang] || TEXTS.fi;
    const actions = payload.task_id ? [{ action: "done", title: texts.done }, { action: "tomorrow", title: texts.tomorrow }] : [];
    await self.registration.showNotification(payload.title || texts.title, {
      body: payload.body || "", tag: payload.task_id || payload.tag || "kentta", icon: "/static/icons/icon-192.png",
      data: { url: payload.url || HOME_URL, task_id: payload.task_id || null }, actions,
    });
  })());
});

self.addEventListener("notificationclick", (event) => {
  const work = onNotificationClick(event.notification, event.action);
  try {
    event.waitUntil(work);
  } catch {
    /* an untrusted (scripted) event cannot extend its lifetime; the work still runs */
  }
});

/** A tap opens the card (in an open app window if there is one); an action button acts on the task. */
async function onNotificationClick(notification, action) {
  const { url, task_id: taskId } = notification.data || {};
  notification.close();
  if (taskId && (action === "done" || action === "tomorrow")) {
    await taskAction(taskId, action);
    return;
  }
  const target = new URL(url || HOME_URL, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  if (windows.length) {
    const client = windows[0];
    client.postMessage({ type: MESSAGE.navigate, url: target });
    await client.focus().catch(() => {}); // focusing needs the user's tap; a scripted click has none
    return;
  }
  await self.clients.openWindow(target);
}

/** "Done" closes the task, "Tomorrow" moves it a day: queued in the outbox, synced when possible. */
async function taskAction(taskId, action) {
  const store = await openStore();
  const task = await store.get("task", taskId);
  const outbox = new Outbox(store);
  const base = task?.version || 0;
  if (action === "done") {
    await outbox.put("task", taskId, { status: "done" }, base);
  } else {
    // Same time tomorrow, and due tomorrow (the device's own calendar day).
    const remind = new Date(Date.now() + 86400000);
    const pad = (n) => String(n).padStart(2, "0");
    const fields = {
      due_on: `${remind.getFullYear()}-${pad(remind.getMonth() + 1)}-${pad(remind.getDate())}`,
      remind_at: remind.toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    await outbox.put("task", taskId, fields, base);
  }
  await tellClients({ type: MESSAGE.outbox });
  // Background Sync pushes when signal returns; a browser without it gets one try now, and a
  // refused registration leaves the outbox to the app's next run.
  await requestBackgroundSync(self.registration);
  if (!self.registration.sync) await syncFromWorker().catch(() => {});
}
