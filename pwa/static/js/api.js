// Every authorised request goes through here: the bearer token read from the store, one rule for
// a refused token and one error type. A 401 on any request (a sync, the profile, push
// subscriptions) tells the app once, through onUnauthorized, so the login screen is asked for in
// one place and the outbox is kept; the caller still gets the error to stop what it was doing.
// fetch and the timers are injected, so the node tests and the service worker use the same code.
//
// Built for one bar of 3G (issue 18): a big body goes gzipped, and no request can hang. A flapping
// network leaves a fetch with no answer for minutes, and a run stuck on it would show "syncing"
// forever; instead a silent request becomes an "offline" ApiError, which sync.js backs off from
// and retries (a resent push is harmless: the server answers a known op_id from its ledger).

/** Bodies from this many bytes of JSON go gzipped (a 50-op push is ~15 KB; a login, a few hundred B). */
export const COMPRESS_FROM = 4096;
/** No response headers this long after the request went out: no answer is coming. A push or a pull
 * page is answered in a second or two even on 3G's 150-1 000 ms round trips; 30 s of silence is
 * a dead connection, not a slow one. */
export const HEADERS_MS = 30000;
/** ...plus this long per byte sent, so a big upload on a thin uplink is not cut: 2 bytes/ms is
 * 16 kbit/s, below any mobile uplink that still moves (a gzipped 500-op push of ~30 KB: +15 s). */
export const UPLOAD_BYTES_PER_MS = 2;
/** A body that stops arriving for this long has stalled. An idle limit, not a total one: a
 * 1 000-record pull page (~80 KB gzipped, 700 KB raw) takes 0.4 s at 200 kB/s and ~30 s raw at 25
 * kB/s (200 kbit/s), but its bytes keep coming every few ms, so it never trips however slow. */
export const STALL_MS = 30000;

/** Why a request failed: "offline" (no answer), "auth" (no or refused token) or "error" (any other).
 *
 * `message` is the server's (English, for integrations) or the browser's; `code` is the §4 error's
 * code. The screens word it for the rep with i18n.js errorText(err): by code, then by message.
 */
export class ApiError extends Error {
  constructor(kind, message, { status = null, retryAfterMs = null, code = null } = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.code = code;
  }
}

/** Make the app's request functions over `fetch`, with the token from `token()` (async). */
export function createApi({ fetch, token, baseUrl = "", onUnauthorized = () => {},
  setTimeout: setTimer = (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: clearTimer = (id) => globalThis.clearTimeout(id),
  gzip = typeof CompressionStream === "function" }) {
  // An older server answers 415 to a gzipped body: then plain bodies for the rest of this session.
  let compress = gzip;

  /** Send one request; resolve with the Response, or reject with an ApiError (offline or auth).
   *
   * `auth: false` sends no token and leaves a 401 to the caller (the login form's wrong password).
   * `bearer` sends that token instead of the stored one (logging out while the store is cleared).
   * `quiet: true` does not report a 401 (logging out with a token the server already dropped).
   */
  async function request(method, path, { body, auth = true, bearer: given, quiet = false } = {}) {
    const headers = {};
    if (auth) {
      const bearer = given || await token();
      if (!bearer) throw new ApiError("auth", "Not logged in");
      headers.Authorization = `Bearer ${bearer}`;
    }
    let res;
    if (body === undefined) {
      res = await send(baseUrl + path, { method, headers }, 0);
    } else {
      headers["Content-Type"] = "application/json";
      const text = JSON.stringify(body);
      const packed = compress && text.length >= COMPRESS_FROM ? await gzipped(text) : null;
      if (packed) {
        res = await send(baseUrl + path, { method, headers: { ...headers, "Content-Encoding": "gzip" }, body: packed },
          packed.byteLength);
        if (res.status === 415) compress = false; // sent again below, as it is
      }
      if (!packed || res.status === 415) res = await send(baseUrl + path, { method, headers, body: text }, text.length);
    }
    if (auth && res.status === 401) {
      const { message, code } = await errorOf(res, "Please log in again");
      const refused = new ApiError("auth", message, { status: 401, code: code || "unauthorized" });
      if (!quiet) onUnauthorized(refused);
      throw refused;
    }
    return res;
  }

  /** fetch with a deadline for the headers, and its body watched for stalls (see STALL_MS). */
  async function send(url, init, bytesOut) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    const ms = HEADERS_MS + Math.ceil(bytesOut / UPLOAD_BYTES_PER_MS);
    let timer = null;
    let waiting = true; // a late timer must not abort the body of an answer that came
    // Raced as well as aborted: a fetch that ignores its signal (a test double, an old browser)
    // still ends here.
    const silent = new Promise((_resolve, reject) => {
      timer = setTimer(() => {
        if (!waiting) return;
        reject(new ApiError("offline", `No answer from the server in ${Math.round(ms / 1000)} s`));
        controller?.abort();
      }, ms);
    });
    try {
      const res = await Promise.race([fetch(url, controller ? { ...init, signal: controller.signal } : init), silent])
        .finally(() => { waiting = false; });
      return watched(res, controller);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError("offline", (err && err.message) || "Network error");
    } finally {
      clearTimer(timer);
    }
  }

  /** The same response, its body failing with an offline ApiError after STALL_MS without a byte.
   * The clock runs only while a read waits on the network (highWaterMark 0): a page fetched ahead
   * and read after the previous one is stored is not cut for the time it waited. */
  function watched(res, controller) {
    if (!res || !res.body || typeof ReadableStream !== "function" || typeof Response !== "function") return res;
    const reader = res.body.getReader();
    const stream = new ReadableStream({
      async pull(out) {
        let timer = null;
        let waiting = true; // a late timer must not cancel the next read
        const stalled = new Promise((_resolve, reject) => {
          timer = setTimer(() => {
            if (!waiting) return;
            // Rejected first: cancelling ends the pending read as "done", a truncated body.
            reject(new ApiError("offline", `The answer stalled for ${STALL_MS / 1000} s`));
            controller?.abort();
            reader.cancel().catch(() => {});
          }, STALL_MS);
        });
        try {
          const { done, value } = await Promise.race([reader.read(), stalled]).finally(() => { waiting = false; });
          if (done) out.close();
          else out.enqueue(value);
        } catch (err) {
          // The network dropped mid-answer: offline, like no answer at all (sync.js retries).
          throw err instanceof ApiError ? err : new ApiError("offline", (err && err.message) || "Network error");
        } finally {
          clearTimer(timer);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
    try {
      return new Response(stream, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch {
      return res; // a status Response cannot be made with (none of the API's): unwatched
    }
  }

  /** Send one request and resolve with its JSON body; any answer but 2xx JSON is an ApiError. */
  async function json(method, path, options) {
    return readJson(await request(method, path, options));
  }

  return { request, json };
}

/** `text` gzipped (CompressionStream: the browser's own zlib, off the main thread's JS). */
async function gzipped(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The JSON body of a 2xx answer; otherwise an ApiError("error") with the server's message. */
export async function readJson(res) {
  if (!res.ok) {
    const seconds = Number(res.headers && res.headers.get && res.headers.get("Retry-After"));
    const { message, code } = await errorOf(res, `HTTP ${res.status}`);
    throw new ApiError("error", message, { status: res.status, code, retryAfterMs: seconds > 0 ? seconds * 1000 : null });
  }
  try {
    return await res.json();
  } catch (err) {
    if (err instanceof ApiError) throw err; // the body stalled or the network dropped: offline
    // e.g. a captive portal's HTML page answering in the server's place
    throw new ApiError("error", "The server's answer was not JSON", { status: res.status });
  }
}

/** The message and code of the §4 error shape; `fallback` and no code when the body is not that. */
async function errorOf(res, fallback) {
  try {
    const body = await res.json();
    return { message: (body && body.error && body.error.message) || fallback, code: body?.error?.code || null };
  } catch {
    return { message: fallback, code: null };
  }
}

/** The message of the §4 error shape, or `fallback` when the body is not that. */
export async function errorMessage(res, fallback) {
  return (await errorOf(res, fallback)).message;
}
