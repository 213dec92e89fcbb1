// Names the page and the service worker must agree on. sw.js is a module worker (router.js
// registers it with type "module"), so both import them from here instead of typing them twice;
// a typo on one side would fail silently (a Background Sync nobody listens for).

/** The Background Sync tag: the page registers it, sw.js answers it. */
export const SYNC_TAG = "kentta-sync";

/** Messages sw.js posts to open app windows (event.data.type). */
export const MESSAGE = Object.freeze({
  sync: "sync", // sync now: an open app syncs itself rather than the worker syncing beside it
  outbox: "outbox", // the worker queued or sent ops: reload the outbox from IndexedDB
  navigate: "navigate", // a notification was tapped: go to event.data.url
});

/** Where the app starts, and where a notification without its own link opens. */
export const HOME_ROUTE = "#/today";
export const LOGIN_ROUTE = "#/login";
