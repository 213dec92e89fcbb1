// api.js, the one door for authorised requests: the stored token, one rule for a 401 (tell the app
// once, keep going offline-first), one error type. A fake fetch records what was sent.
import { test } from "node:test";
import assert from "node:assert/strict";

import { ApiError, createApi, readJson } from "../../pwa/static/js/api.js";
import { createMemoryStore } from "../../pwa/static/js/memory-store.js";
import { Outbox } from "../../pwa/static/js/outbox.js";
import { Sync } from "../../pwa/static/js/sync.js";

const response = (status, body, headers = {}) => ({
  status, ok: status >= 200 && status < 300,
  headers: { get: (name) => headers[name] ?? null },
  json: async () => (typeof body === "string" ? JSON.parse(body) : body),
});

/** A server that answers `answer(request)`, and the api over it with the token `token`. */
function setup({ token = "good", answer = () => response(200, { ok: true }) } = {}) {
  const sent = [];
  const refused = [];
  const fetch = async (url, init) => {
    sent.push({ url, ...init });
    return answer({ url, ...init });
  };
  const api = createApi({ fetch, token: async () => token, baseUrl: "https://kentta.test",
    onUnauthorized: (err) => refused.push(err) });
  return { api, sent, refused };
}

const expired = () => response(401, { error: { code: "token_expired", message: "Your session has ended." } });

test("a request carries the stored token, and JSON only when there is a body", async () => {
  const { api, sent } = setup();
  await api.request("GET", "/api/me");
  await api.request("POST", "/api/push/subscriptions", { body: { endpoint: "https://push.test/1" } });
  const { signal, ...first } = sent[0];
  assert.deepEqual(first, { url: "https://kentta.test/api/me", method: "GET", headers: { Authorization: "Bearer good" } });
  assert.ok(signal instanceof AbortSignal, "every request can be aborted (api-wire.test.mjs: timeouts)");
  assert.deepEqual(sent[1].headers, { Authorization: "Bearer good", "Content-Type": "application/json" });
  assert.deepEqual(JSON.parse(sent[1].body), { endpoint: "https://push.test/1" });
});

test("a 401 rejects with an auth error carrying the server's message and tells the app once", async () => {
  const { api, refused } = setup({ answer: expired });
  const err = await api.request("GET", "/api/me").catch((e) => e);
  assert.ok(err instanceof ApiError);
  assert.deepEqual([err.kind, err.status, err.message], ["auth", 401, "Your session has ended."]);
  assert.deepEqual(refused, [err]);
});

test("a 401 without the error shape still reads as a refused token", async () => {
  const { api, refused } = setup({ answer: () => response(401, "<html>") });
  await assert.rejects(api.json("GET", "/api/me"), (e) => e.kind === "auth" && e.message === "Please log in again");
  assert.equal(refused.length, 1);
});

test("quiet requests (logging out) do not tell the app about a 401, and may send a given token", async () => {
  const { api, sent, refused } = setup({ token: null, answer: expired });
  await assert.rejects(api.request("DELETE", "/api/auth/token", { bearer: "old", quiet: true }), { kind: "auth" });
  assert.equal(sent[0].headers.Authorization, "Bearer old");
  assert.deepEqual(refused, []);
});

test("auth: false sends no token and leaves a 401 (a wrong password) to the caller", async () => {
  const { api, sent, refused } = setup({ token: null, answer: () => response(401, { error: { message: "Wrong" } }) });
  const res = await api.request("POST", "/api/auth/token", { auth: false, body: { email: "a@b.fi" } });
  assert.equal(res.status, 401);
  assert.deepEqual(sent[0].headers, { "Content-Type": "application/json" });
  assert.deepEqual(refused, []);
});

test("without a token nothing is sent and the error says so; the app is not told (nothing was refused)", async () => {
  const { api, sent, refused } = setup({ token: null });
  await assert.rejects(api.request("GET", "/api/me"), { kind: "auth", message: "Not logged in" });
  assert.deepEqual([sent, refused], [[], []]);
});

test("no answer is an offline error; other statuses are answers for the caller", async () => {
  const offline = setup({ answer: () => { throw new TypeError("Failed to fetch"); } });
  await assert.rejects(offline.api.request("GET", "/api/me"), { kind: "offline", message: "Failed to fetch" });
  const busy = setup({ answer: () => response(503, { error: { message: "Busy" } }, { "Retry-After": "30" }) });
  assert.equal((await busy.api.request("GET", "/api/me")).status, 503);
  assert.deepEqual(busy.refused, []);
});

test("readJson: the body of a 2xx, else an error with the server's message and Retry-After", async () => {
  assert.deepEqual(await readJson(response(200, { a: 1 })), { a: 1 });
  const busy = await readJson(response(429, { error: { message: "Slow down" } }, { "Retry-After": "30" })).catch((e) => e);
  assert.deepEqual([busy.kind, busy.status, busy.message, busy.retryAfterMs], ["error", 429, "Slow down", 30000]);
  const portal = response(200, null);
  portal.json = async () => { throw new SyntaxError("Unexpected token <"); };
  await assert.rejects(readJson(portal), { kind: "error", message: "The server's answer was not JSON" });
});

test("a sync refused with 401 tells the app through its api, stops as 'auth' and keeps the outbox", async () => {
  const store = createMemoryStore();
  await store.setMeta("token", "revoked");
  const outbox = new Outbox(store);
  await outbox.put("customer", "c1", { phone: "+358 40 123 4567" });
  const sent = [];
  const refused = [];
  const api = createApi({ fetch: async (url, init) => { sent.push(init); return expired(); },
    token: () => store.getMeta("token"), onUnauthorized: (e) => refused.push(e) });
  const sync = new Sync({ store, outbox, api, clientId: "phone-1", setTimeout: () => assert.fail("no retry after a 401"),
    clearTimeout: () => {} });
  const state = await sync.syncNow();
  assert.deepEqual([state.status, state.lastError, state.pending], ["auth", "Your session has ended.", 1]);
  assert.equal(sent[0].headers.Authorization, "Bearer revoked");
  assert.equal(refused.length, 1, "the login screen is asked for once per refused run");
});
